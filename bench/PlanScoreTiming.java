import dev.shimscope.cli.Main;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Times shimscope commands inside one JVM, so that JVM start-up is not counted: the first call
 * (cold: class loading, no JIT yet, as in a fresh 'shimscope' process; wall time and the CPU time
 * of the calling thread, which a loaded machine does not inflate) and the median of the next
 * ones (warm). Usage: java -cp target/shimscope.jar bench/PlanScoreTiming.java DB
 */
public class PlanScoreTiming {

    public static void main(String[] args) {
        String db = args[0];
        List<String[]> commands = List.of(
                new String[] {"plan", "--db", db, "--apps", "*", "--workload", "bench"},
                new String[] {"plan", "--db", db, "--apps", "*", "--workload", "suite"},
                new String[] {"plan", "--db", db, "--apps", "*", "--workload", "both"},
                new String[] {"plan", "--db", db, "--apps", "*", "--workload", "bench", "--os", "unikraft"},
                new String[] {"score", "--db", db, "--apps", "*", "--workload", "bench"},
                new String[] {"score", "--db", db, "--apps", "*", "--workload", "both"});
        System.out.printf("%-66s %8s %8s %8s%n", "command (in one JVM, output discarded)", "cold ms", "cold cpu", "warm ms");
        for (String[] cmd : commands) {
            long cpu0 = THREADS.getCurrentThreadCpuTime();
            double cold = time(cmd);
            double coldCpu = (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e6;
            List<Double> warm = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                warm.add(time(cmd));
            }
            warm.sort(null);
            System.out.printf("%-66s %8.0f %8.0f %8.0f%n", String.join(" ", cmd).replace(db, "D"), cold, coldCpu,
                    warm.get(warm.size() / 2));
        }
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    private static double time(String[] cmd) {
        var cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(Writer.nullWriter()));
        cl.setErr(new PrintWriter(err));
        long t0 = System.nanoTime();
        int status = cl.execute(cmd);
        long t1 = System.nanoTime();
        if (status != 0) {
            throw new IllegalStateException(Arrays.toString(cmd) + " failed: " + err);
        }
        return (t1 - t0) / 1e6;
    }
}
