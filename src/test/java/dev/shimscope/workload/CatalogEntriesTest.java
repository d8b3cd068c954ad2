package dev.shimscope.workload;

import dev.shimscope.sandbox.Sandbox;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

/**
 * Every quick catalog entry, on the real application: its baseline passes, and its check fails
 * when the application binary is /bin/false or the workload is cut short. (The test-suite
 * entries take longer: {@link CatalogSuitesTest}.)
 */
class CatalogEntriesTest {

    private static Sandbox sandbox;

    @BeforeAll
    static void sandbox() {
        sandbox = Sandbox.create();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "redis, 100",
            "nginx, 200",
            "memcached, 200",
            "haproxy, 200",
            // the suites below take 0.4 s and more even on an idle machine
            "sqlite3, 100",
            "python3, 100"})
    void checkPassesOnTheRealAppAndFailsWhenItIsBroken(String name, long killAfterMillis) throws Exception {
        CatalogChecks.proveCheck(sandbox, name, Duration.ofMillis(killAfterMillis));
    }
}
