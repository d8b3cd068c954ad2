package dev.shimscope.campaign;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs tasks of a campaign's script on Slurm and waits for them: submits them as a job array
 * (or one job), records each job id in the campaign directory (a coordinator started again
 * waits for the jobs of the one before instead of submitting twice), then watches the tasks'
 * status files every second and asks {@code squeue} every few seconds whether anything of the
 * jobs is still pending or running. The files say how each task ended; squeue says when a task
 * that will never write one (cancelled, killed, its dependency failed) is gone.
 */
final class SlurmTasks {

    /** How often the tasks' status files are looked at. */
    static final long FILE_POLL_MILLIS = 1000;
    /** How often squeue is asked (it costs the controller an RPC). */
    static final long SQUEUE_POLL_MILLIS = 5000;
    /**
     * How long a task that started but shows no status is waited for once Slurm says it ended:
     * a shared file system may show another node's last writes a little later (NFS caches
     * attributes for up to a minute by default; its close-to-open consistency makes it seconds).
     */
    static final long LATE_STATUS_MILLIS = 30_000;

    private final Slurm slurm;
    private final CampaignDir dir;
    private final int atOnce;
    private final List<String> sbatchArgs;
    private final CampaignListener listener;

    SlurmTasks(Slurm slurm, CampaignDir dir, int atOnce, List<String> sbatchArgs, CampaignListener listener) {
        this.slurm = slurm;
        this.dir = dir;
        this.atOnce = atOnce;
        this.sbatchArgs = sbatchArgs;
        this.listener = listener;
    }

    /** Submits the tasks as one job array, to start after job {@code afterOk} succeeded (null: at once). */
    String submitArray(List<Task> tasks, String afterOk, String what) throws IOException {
        for (Task t : tasks) {
            Files.createDirectories(t.dir().dir());
            t.dir().clearState();
        }
        Files.createDirectories(dir.slurmDir());
        String id = slurm.submitArray(dir.script(), tasks.stream().map(Task::number).toList(), atOnce, afterOk,
                dir.slurmDir(), dir.dir(), sbatchArgs);
        dir.addJob(id);
        listener.on(new CampaignEvent.Submitted(id, what, tasks.size()));
        return id;
    }

    /** Submits one task as a job of its own. */
    String submitOne(Task task, String what) throws IOException {
        Files.createDirectories(task.dir().dir());
        task.dir().clearState();
        Files.createDirectories(dir.slurmDir());
        String id = slurm.submitOne(dir.script(), task.number(), dir.slurmDir(), dir.dir(), sbatchArgs);
        dir.addJob(id);
        listener.on(new CampaignEvent.Submitted(id, what, 1));
        return id;
    }

    /** Waits until every task has ended or Slurm has nothing of the jobs left; then forgets the jobs. */
    void await(List<String> jobs, List<Task> tasks) throws InterruptedException, IOException {
        long lastSqueue = 0;
        long slurmDone = -1; // when squeue first said nothing is left
        int reported = -1;
        while (true) {
            int ended = (int) tasks.stream().filter(t -> t.dir().state().ended()).count();
            if (ended != reported) {
                listener.on(new CampaignEvent.Progress(ended, tasks.size()));
                reported = ended;
            }
            if (ended == tasks.size()) {
                break;
            }
            long now = System.currentTimeMillis();
            if (slurmDone < 0 && now - lastSqueue >= SQUEUE_POLL_MILLIS) {
                lastSqueue = now;
                if (activeTasks(jobs) == 0) {
                    slurmDone = now;
                }
            }
            if (slurmDone >= 0) {
                boolean late = tasks.stream().anyMatch(t -> !t.dir().state().ended() && Files.exists(t.dir().started()));
                if (!late || now - slurmDone >= LATE_STATUS_MILLIS) {
                    break;
                }
            }
            Thread.sleep(FILE_POLL_MILLIS);
        }
        dir.clearJobs();
    }

    /** Waits, without knowing their tasks, for jobs of an earlier run of the campaign; then forgets them. */
    void awaitEarlier(List<String> jobs) throws InterruptedException, IOException {
        if (activeTasks(jobs) != 0) {
            listener.on(new CampaignEvent.WaitingForEarlierJobs(jobs));
            do {
                Thread.sleep(SQUEUE_POLL_MILLIS);
            } while (activeTasks(jobs) != 0);
        }
        dir.clearJobs();
    }

    /** Pending or running tasks of the jobs; -1 if squeue cannot tell now. */
    private int activeTasks(List<String> jobs) {
        int sum = 0;
        for (String j : new ArrayList<>(jobs)) {
            int n = slurm.active(j);
            if (n < 0) {
                return -1;
            }
            sum += n;
        }
        return sum;
    }
}
