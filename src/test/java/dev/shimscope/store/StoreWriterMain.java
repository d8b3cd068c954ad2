package dev.shimscope.store;

import dev.shimscope.model.Verdict;
import dev.shimscope.workload.WorkloadKind;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/** A separate writer process for the concurrency tests: {@code STORE PREFIX COUNT} stores COUNT results. */
public final class StoreWriterMain {

    private StoreWriterMain() {
    }

    public static void main(String[] args) throws Exception {
        ResultStore store = ResultStore.openOrCreate(Path.of(args[0]));
        String prefix = args[1];
        int count = Integer.parseInt(args[2]);
        System.out.println("ready");
        System.out.flush();
        for (int i = 0; i < count; i++) {
            Profile p = Profile.newRun("app-" + prefix, WorkloadKind.BENCHMARK, "w",
                    Map.of("read", Verdict.REQUIRED, "getpid", i % 2 == 0 ? Verdict.BOTH : Verdict.STUB_ONLY));
            store.save(new Profile(p.app(), p.kind(), p.workload(), prefix + "-" + i, Instant.now(), p.toolVersion(),
                    false, p.arch(), p.used(), p.verdicts(), null, null, null));
            System.out.println("stored " + i);
        }
    }
}
