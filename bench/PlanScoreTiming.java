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
 * ones (warm), in ms. Usage: java -cp target/shimscope.jar bench/PlanScoreTiming.java COMMAND ARGS...
 */
public class PlanScoreTiming {

    public static void main(String[] args) {
        String[] cmd = Arrays.copyOfRange(args, 0, args.length);
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        double cold = time(cmd);
        double coldCpu = (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e6;
        List<Double> warm = new ArrayList<>();
        List<Double> warmCpu = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            long c0 = THREADS.getCurrentThreadCpuTime();
            warm.add(time(cmd));
            warmCpu.add((THREADS.getCurrentThreadCpuTime() - c0) / 1e6);
        }
        warm.sort(null);
        warmCpu.sort(null);
        System.out.printf("%8.0f %8.0f %8.0f %8.0f%n", cold, coldCpu, warm.get(warm.size() / 2), warmCpu.get(warmCpu.size() / 2));
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
