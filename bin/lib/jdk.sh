# Sourced by the scripts in bin/: sets JAVA_HOME to a JDK >= 25 and checks for Maven.
jdk_feature() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
pick_jdk() {
  local c v
  for c in "${JAVA_HOME:-}" /usr/lib/jvm/*25* /usr/lib/jvm/*; do
    [ -n "$c" ] && [ -x "$c/bin/javac" ] || continue
    v=$(jdk_feature "$c")
    if [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null; then echo "$c"; return 0; fi
  done
  return 1
}
if ! JAVA_HOME=$(pick_jdk); then
  echo "shimscope: no JDK 25 or newer found (looked at \$JAVA_HOME and /usr/lib/jvm/*); install Temurin 25 and set JAVA_HOME" >&2
  exit 1
fi
export JAVA_HOME
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
if ! command -v mvn >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get install -y -qq maven >/dev/null || { echo "shimscope: cannot install maven" >&2; exit 1; }
  else
    echo "shimscope: Maven not found: run 'sudo apt-get install -y maven'" >&2
    exit 1
  fi
fi
