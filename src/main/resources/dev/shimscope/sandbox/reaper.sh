# shimscope's reaper: ends what is left of a JVM's runs once the JVM is gone.
# It reads the work directory's path, then waits for the end of its input, which comes when the
# JVM exits or dies, and kills the namespace init of every run that is still there, as named by
# bwrap's info file (with init, the kernel ends the rest of the run). It checks that each pid
# still is a bwrap of this work directory (pids are reused), and touches nothing else.
# bwrap's own --die-with-parent is set up in init only once the namespace is ready; an init
# whose bwrap died before that (the JVM killed at that moment) would run on as an orphan.
trap '' INT TERM HUP QUIT
read -r root
case "$root" in
  /*/shimscope-*) ;;
  *) exit 0 ;;
esac
cat > /dev/null
# a few rounds: a run whose bwrap was starting when the JVM died writes its info file late
i=0
while [ "$i" -lt 20 ] && [ -d "$root" ]; do
  for info in "$root"/run-*/bwrap-info.json; do
    [ -f "$info" ] || continue
    pid=$(sed -n 's/.*"child-pid": *\([0-9][0-9]*\).*/\1/p' "$info")
    if [ -n "$pid" ] && grep -qaF -- "$root/" "/proc/$pid/cmdline" 2>/dev/null; then
      kill -9 "$pid" 2>/dev/null
    fi
  done
  sleep 0.1
  i=$((i + 1))
done
