package dev.shimscope.workload;

import dev.shimscope.sandbox.Sandbox;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;


/**
 * The test-suite catalog entries, as {@link CatalogEntriesTest}: about a minute and a half in all
 * on an idle 2-core machine (redis-suite fetches Redis's source on its first run), hence "slow".
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
