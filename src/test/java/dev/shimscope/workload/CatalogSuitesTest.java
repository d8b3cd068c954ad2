package dev.shimscope.workload;

import dev.shimscope.sandbox.Sandbox;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;


/**
 * The test-suite catalog entries, as {@link CatalogEntriesTest}: about 50 s in all on a quiet
 * 2-core machine (plus a few seconds when redis-suite first fetches Redis's source), hence "slow".
 */
@Tag("slow")
class CatalogSuitesTest {

    private static Sandbox sandbox;

    @BeforeAll
    static void sandbox() {
        sandbox = Sandbox.create();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"redis-suite", "python3-regrtest"})
    void checkPassesOnTheRealAppAndFailsWhenItIsBroken(String name) throws Exception {
        CatalogChecks.proveCheck(sandbox, name);
    }
}
