package dev.shimscope.workload;

import dev.shimscope.sandbox.Sandbox;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
    @ValueSource(strings = {"redis", "nginx", "memcached", "memcached-memcslap", "haproxy", "sqlite3", "python3", "iperf3",
            "nginx-transparent"})
    void checkPassesOnTheRealAppAndFailsWhenItIsBroken(String name) throws Exception {
        CatalogChecks.proveCheck(sandbox, name);
    }
}
