import dev.shimscope.syscall.SyscallTable;
import dev.shimscope.trace.TraceResult;
import dev.shimscope.trace.Tracer;

import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * Prints the syscalls that one executable made in a kept strace log ('shimscope run TARGET
 * --trace --keep' leaves it in run-N/out/strace.log), as "NUMBER NAME" lines: how
 * bench/static-sources.sh reads the traced set of a catalog suite. Usage:
 * java -cp target/shimscope.jar bench/TracedSet.java STRACE_LOG EXECUTABLE_SUFFIX
 */
public class TracedSet {

    public static void main(String[] args) throws Exception {
        TraceResult r = new Tracer(SyscallTable.x86_64()).read(Path.of(args[0]));
        String suffix = args[1];
        System.out.print(r.syscalls().stream()
                .filter(u -> u.executables().stream().anyMatch(e -> e.endsWith(suffix)))
                .map(u -> u.number() + " " + u.name() + "\n")
                .collect(Collectors.joining()));
    }
}
