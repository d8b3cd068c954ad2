package dev.shimscope.workload;

import dev.shimscope.sandbox.Sandbox;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The test-suite catalog entries on the real applications. The suites made of tests run a few of
 * their tests, as an exploration reruns the tests a syscall touches: they pass, and fail with
 * the application replaced by /bin/false ({@link CatalogChecks#proveSelection}); the whole
 * suites are {@link CatalogFullSuitesTest}. python3-regrtest, a suite of one run, is proved
 * whole as {@link CatalogEntriesTest} does. About 2 minutes on a quiet 2-core machine once the
 * suites are prepared; the first run also fetches the source packages, builds VTest (~20 s) and
 * SQLite's testfixture (~1.5 min). nginx-suite and haproxy-suite need the suites that
 * SHIMSCOPE_NGINX_TESTS and SHIMSCOPE_VTEST name (else ../shared/suites/, else skipped).
 */
@Tag("slow")
class CatalogSuitesTest {

    private static Sandbox sandbox;

    @BeforeAll
    static void sandbox() {
        sandbox = Sandbox.create();
    }

    /** Entry, a few quick tests of different kinds, the least number of tests it must list. */
    static Stream<Arguments> selections() {
        return Stream.of(
                Arguments.of("redis-suite", List.of("unit/type/incr", "unit/info-command", "unit/quit"), 50),
                Arguments.of("nginx-suite", List.of("access.t", "proxy.t", "stream_proxy.t", "ssl.t"), 250),
                Arguments.of("memcached-suite", List.of("t/getset.t", "t/incrdecr.t", "t/noreply.t"), 50),
                Arguments.of("sqlite3-suite", List.of("shell2.test", "shell4.test"), 9),
                Arguments.of("haproxy-suite", List.of("http-rules/map_redirect.vtc",
                        "log/load_balancing.vtc", "checks/tcp-check_min-recv.vtc"), 150));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("selections")
    void selectedTestsPassAndFailWhenTheAppIsBroken(String name, List<String> tests, int minTests) throws Exception {
        CatalogChecks.proveSelection(sandbox, name, tests, minTests);
    }

    /**
     * redis-suite's harness patch (catalog/redis/suite-harness.patch): a server that exits at its
     * start fails its unit at once, in the unit's name, where runtest alone waits two minutes for
     * each server's PID (an experiment that stubs a call the start needs would wait that long).
     */
    @Test
    void aRedisServerThatExitsAtItsStartFailsItsUnitAtOnce() throws Exception {
        WorkloadSpec spec = CatalogChecks.load("redis-suite");
        WorkloadRunner runner = new WorkloadRunner(sandbox, spec, null);
        WorkloadOutcome broken = runner.run(WorkloadRunner.Options.plain().withTests(List.of("unit/quit"))
                .replacing(spec.binary(), Path.of("/bin/false")));
        assertThat(broken.passed()).isFalse();
        assertThat(broken.failedTests()).containsExactly("unit/quit");
        assertThat(broken.testOutputTail())
                .contains("Can't start the Redis server: it exited at its start in tests/unit/quit.tcl")
                .doesNotContain("No PID detected");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"python3-regrtest"})
    void checkPassesOnTheRealAppAndFailsWhenItIsBroken(String name) throws Exception {
        CatalogChecks.proveCheck(sandbox, name);
    }
}
