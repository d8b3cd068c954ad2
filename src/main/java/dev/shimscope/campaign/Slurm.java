package dev.shimscope.campaign;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The Slurm cluster, through its own client commands: {@code sbatch} submits (a job array, one
 * task per exploration, {@code %K} running at once; a dependency where a step needs another's
 * result), {@code squeue} says which tasks are still pending or running, {@code scontrol ping}
 * that the controller answers. The commands are found on {@code PATH} (where the cluster puts
 * them) and read the cluster's configuration as they always do ({@code SLURM_CONF}, else their
 * default). Nothing here schedules: Slurm does.
 */
final class Slurm {

    /** Job states of a job or task that has not ended (squeue's long names). */
    private static final Set<String> ACTIVE = Set.of("PENDING", "RUNNING", "SUSPENDED", "COMPLETING", "CONFIGURING",
            "RESIZING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "SIGNALING", "STAGE_OUT", "STOPPED", "RESV_DEL_HOLD");
    private static final long COMMAND_TIMEOUT_SECONDS = 120;

    private final Path sbatch;
    private final Path squeue;
    private final Path scontrol;

    private Slurm(Path sbatch, Path squeue, Path scontrol) {
        this.sbatch = sbatch;
        this.squeue = squeue;
        this.scontrol = scontrol;
    }

    /**
     * The cluster, checked: its commands are on {@code PATH} and its controller answers. Fails
     * with one line saying what is missing.
     */
    static Slurm find() {
        Map<String, Path> found = new java.util.LinkedHashMap<>();
        for (String tool : List.of("sbatch", "squeue", "scontrol")) {
            onPath(tool).ifPresent(p -> found.put(tool, p));
        }
        if (found.size() < 3) {
            List<String> missing = new ArrayList<>(List.of("sbatch", "squeue", "scontrol"));
            missing.removeAll(found.keySet());
            throw new IllegalArgumentException("--slurm needs Slurm's " + String.join(", ", missing)
                    + " on the PATH, which has none (on a cluster: load its Slurm module or log in to a submit host;"
                    + " Debian: apt-get install slurm-client)");
        }
        Slurm s = new Slurm(found.get("sbatch"), found.get("squeue"), found.get("scontrol"));
        s.ping();
        return s;
    }

    private static Optional<Path> onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty()) {
                Path p = Path.of(dir, tool);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    private void ping() {
        Result r = run(List.of(scontrol.toString(), "ping"));
        if (r.status() != 0 || !r.out().contains("is UP")) {
            String said = (r.out() + "\n" + r.err()).strip().lines().findFirst().orElse("no answer");
            throw new IllegalArgumentException("--slurm: the Slurm controller does not answer ('scontrol ping': " + said
                    + "); check SLURM_CONF and that slurmctld runs");
        }
    }

    /**
     * Submits task numbers {@code tasks} of {@code script} as one job array ({@code --array=0,2,5%K}),
     * after {@code afterOk} (a job id, or null) has succeeded; returns the job id.
     *
     * @param atOnce the array's throttle, or 0 for none
     */
    String submitArray(Path script, List<Integer> tasks, int atOnce, String afterOk, Path outputDir, Path workDir,
                       List<String> sbatchArgs) throws IOException {
        String array = tasks.stream().map(String::valueOf).collect(Collectors.joining(","))
                + (atOnce > 0 ? "%" + atOnce : "");
        List<String> cmd = new ArrayList<>(List.of(sbatch.toString(), "--parsable", "--array=" + array,
                "--output=" + outputDir.resolve("%A_%a.out"), "--chdir=" + workDir));
        if (afterOk != null) {
            cmd.addAll(List.of("--dependency=afterok:" + afterOk, "--kill-on-invalid-dep=yes"));
        }
        cmd.addAll(sbatchArgs);
        cmd.add(script.toString());
        return submit(cmd);
    }

    /** Submits task {@code task} of {@code script} as a job of its own; returns the job id. */
    String submitOne(Path script, int task, Path outputDir, Path workDir, List<String> sbatchArgs) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(sbatch.toString(), "--parsable",
                "--output=" + outputDir.resolve("%j.out"), "--chdir=" + workDir));
        cmd.addAll(sbatchArgs);
        cmd.addAll(List.of(script.toString(), Integer.toString(task)));
        return submit(cmd);
    }

    private String submit(List<String> cmd) throws IOException {
        Result r = run(cmd);
        // --parsable: "JOBID" or "JOBID;CLUSTER"
        String id = r.out().strip().split(";")[0];
        if (r.status() != 0 || !id.matches("\\d+")) {
            throw new IOException("sbatch failed: " + (r.err() + "\n" + r.out()).strip().lines().findFirst().orElse("exit status " + r.status()));
        }
        return id;
    }

    /**
     * How many tasks of the job are still pending or running (0 when it has ended, also once
     * Slurm has forgotten it); -1 when squeue cannot tell now (the controller is busy or
     * restarting).
     */
    int active(String jobId) {
        Result r = run(List.of(squeue.toString(), "-h", "-r", "-j", jobId, "-o", "%T"));
        if (r.status() != 0) {
            return r.err().contains("Invalid job id") ? 0 : -1;
        }
        return (int) r.out().lines().map(String::strip).filter(ACTIVE::contains).count();
    }

    private record Result(int status, String out, String err) {
    }

    private static Result run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            String out = read(p.getInputStream());
            if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, out, cmd.getFirst() + " did not answer within " + COMMAND_TIMEOUT_SECONDS + " s");
            }
            return new Result(p.exitValue(), out, err.join());
        } catch (IOException e) {
            return new Result(-1, "", cmd.getFirst() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "", "interrupted");
        }
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
