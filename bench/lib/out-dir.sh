# The output directory of a bench/ script (source this file): $KEEP when set (created, kept), else
# a new temporary directory that bench_out_cleanup removes.
#   bench_out_dir [PREFIX]    sets $out
#   bench_out_cleanup         removes $out unless it is $KEEP (for the script's EXIT trap)

bench_out_dir() {
  if [ -n "${KEEP:-}" ]; then
    mkdir -p "$KEEP"; out=$(cd "$KEEP" && pwd)
  else
    out=$(mktemp -d "/tmp/${1:-shimscope-bench}.XXXXXX")
  fi
}

bench_out_cleanup() {
  [ -n "${KEEP:-}" ] || rm -rf "$out"
}
