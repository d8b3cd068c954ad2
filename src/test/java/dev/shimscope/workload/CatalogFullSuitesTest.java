package dev.shimscope.workload;

import dev.shimscope.sandbox.Sandbox;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The five applications' whole test suites, as {@link CatalogEntriesTest} proves the quick
 * entries: every listed test passes, and the suite fails with the application replaced by
 * /bin/false and when cut short. Minutes each (docs/catalog.md gives the times), so tagged
 * "full-suite", which the build leaves out by default: run them with
 * {@code -Dgroups=full-suite -Dshimscope.excludedGroups=}.
 */
@Tag("full-suite")
class CatalogFullSuitesTest {

    private static Sandbox sandbox;

    @BeforeAll
    static void sandbox() {
        sandbox = Sandbox.create();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"redis-suite", "nginx-suite", "memcached-suite", "sqlite3-suite", "haproxy-suite"})
    void wholeSuitePassesOnTheRealAppAndFailsWhenItIsBroken(String name) throws Exception {
        CatalogChecks.proveCheck(sandbox, name);
    }
}
