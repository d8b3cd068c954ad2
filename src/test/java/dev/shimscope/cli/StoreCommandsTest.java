package dev.shimscope.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shimscope.model.Json;
import dev.shimscope.testing.Cli.Outcome;
import dev.shimscope.testing.Cli;
import dev.shimscope.testing.LoupeData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The db, plan, score, report and seccomp-profile commands end to end on the shipped Loupe data. */
class StoreCommandsTest {

    @TempDir
    Path tmp;



    private static String db() {
        return LoupeData.importedStore().toString();
    }

    /** The lines of {@code db show} from a heading to the next heading. */
    private static String section(String out, String heading) {
        int start = out.indexOf("  " + heading + " (");
        assertThat(start).as(heading).isNotNegative();
        int end = out.indexOf("\n  ", out.indexOf('\n', start) + 1);
        while (end >= 0 && out.charAt(end + 3) == ' ') {
            end = out.indexOf("\n  ", end + 1);
        }
        return end < 0 ? out.substring(start) : out.substring(start, end);
    }

    @Test
    void importThenListOneLinePerApp() {
        Outcome imp = Cli.run("db", "import", LoupeData.DB.toString(), "--db", tmp.resolve("db").toString());
        assertThat(imp.status()).as(imp.err()).isZero();
        assertThat(imp.out()).startsWith("imported 125 runs of 116 apps from " + LoupeData.DB);
        Outcome list = Cli.run("db", "list", "--db", tmp.resolve("db").toString());
        assertThat(list.status()).isZero();
        List<String> lines = list.out().lines().toList();
        assertThat(lines).hasSize(116);
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("nginx +benchmark-wrk, suite-nginx-tests \\(2 runs\\)"));
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("iperf3 +benchmark-iperf-test, benchmark-iperf3-client"));
        assertThat(list.err()).startsWith("116 apps, 125 runs in ");
        Outcome again = Cli.run("db", "import", LoupeData.DB.toString(), "--db", tmp.resolve("db").toString());
        assertThat(again.out()).startsWith("nothing new: all 125 runs of " + LoupeData.DB + " are already in ");
    }

    @Test
    void showLabelsStubAndFakeAsTheCsvSays() throws Exception {
        Outcome o = Cli.run("db", "show", "nginx", "--workload", "bench", "--db", db());
        assertThat(o.status()).as(o.err()).isZero();
        assertThat(o.out()).startsWith("nginx benchmark-wrk: run ").doesNotContain("suite-nginx-tests");
        // dyn.csv says "288,Y,N,Y,N" (accept4 works stubbed) and "72,Y,Y,N,N" (fcntl works faked)
        assertThat(section(o.out(), "stub only (ENOSYS works, returning 0 breaks)")).contains("accept4").doesNotContain("fcntl");
        assertThat(section(o.out(), "fake only (returning 0 works, ENOSYS breaks)")).contains("fcntl").doesNotContain("accept4");
        assertThat(section(o.out(), "required (implement)")).doesNotContain("accept4", "fcntl");

        Outcome json = Cli.run("db", "show", "nginx", "--db", db(), "--json");
        JsonNode arr = Json.mapper().readTree(json.out());
        assertThat(arr).hasSize(2);
        assertThat(arr.get(1).get("workload").asText()).isEqualTo("suite-nginx-tests");
        assertThat(arr.get(1).get("run_id").asText()).isEqualTo("c7d2ac9eca329a756e7690251213b81f");

        Outcome unknown = Cli.run("db", "show", "ngnix", "--db", db());
        assertThat(unknown.status()).isEqualTo(1);
        assertThat(unknown.err()).contains("no app 'ngnix'", "(did you mean nginx?)").hasLineCount(1);
    }

    @Test
    void planPrintsBothPlansTheirCurvesAndTheWinner() throws Exception {
        Outcome o = Cli.run("plan", "--db", db(), "--os", "unikraft", "--apps", "*", "--workload", "bench");
        assertThat(o.status()).as(o.err()).isZero();
        assertThat(o.out()).contains("Support plan for 111 apps (bench workloads), starting from OS unikraft (163 syscalls)",
                "greedy plan (36 syscalls to implement", "unlock plan (36 syscalls to implement",
                "Cumulative curve: apps supported after implementing N syscalls",
                "winner: unlock (larger area under the curve); unlock supports at least as many apps as greedy at every N");
        Outcome some = Cli.run("plan", "--db", db(), "--apps", "nginx,redis", "--workload", "both", "--json");
        JsonNode json = Json.mapper().readTree(some.out());
        assertThat(json.get("apps").asInt()).isEqualTo(2);
        assertThat(json.get("plans")).hasSize(2);
        assertThat(json.get("better_dominates_baseline").asBoolean()).isTrue();
        JsonNode curve = json.get("plans").get(0).get("curve");
        assertThat(curve.get(curve.size() - 1).asInt()).isEqualTo(2);
    }

    @Test
    void scoreRanksGvisorAboveUnikraft() throws Exception {
        Outcome o = Cli.run("score", "--db", db(), "--workload", "bench", "--os", "gvisor", "--os", "unikraft");
        assertThat(o.status()).as(o.err()).isZero();
        List<String> rows = o.out().lines().filter(l -> l.matches(" +\\d+ +\\w+ .*")).toList();
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).contains("gvisor").contains("100.0%");
        assertThat(rows.get(1)).contains("unikraft");
        Outcome json = Cli.run("score", "--db", db(), "--workload", "suite", "--json");
        JsonNode scores = Json.mapper().readTree(json.out()).get("scores");
        assertThat(scores).hasSize(11);
        assertThat(scores.get(0).get("os").asText()).isEqualTo("gvisor");
    }

    @Test
    void seccompProfileAndReportWriteTheirFiles() throws Exception {
        Path profile = java.nio.file.Files.createDirectories(tmp.resolve("out")).resolve("nginx.json");
        Outcome o = Cli.run("seccomp-profile", "nginx", "--workload", "bench", "--db", db(), "-o", profile.toString());
        assertThat(o.status()).as(o.err()).isZero();
        assertThat(o.err()).startsWith("seccomp profile for nginx (benchmark-wrk): allow ");
        JsonNode json = Json.mapper().readTree(profile.toFile());
        assertThat(json.get("defaultAction").asText()).isEqualTo("SCMP_ACT_ERRNO");
        assertThat(json.get("syscalls").get(1).get("names").toString()).contains("\"accept4\"");   // stub only: ENOSYS
        assertThat(json.get("syscalls").get(2).get("names").toString()).contains("\"fcntl\"");     // fake only: 0

        Outcome r = Cli.run("report", "--db", db(), "-o", tmp.resolve("report").toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(Files.readString(tmp.resolve("report/index.html"))).startsWith("<!DOCTYPE html>").contains("</html>");
        assertThat(Files.getPosixFilePermissions(tmp.resolve("report/index.html")).toString()).contains("OTHERS_READ");
    }
}
