package dev.shimscope.staticsrc;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The shipped recipes: their header data, and what a recipe without a source line gets. */
class RecipeTest {

    @Test
    void everyShippedRecipeNamesItsSourceProgramAndBinary() {
        assertThat(Recipe.shipped().keySet()).containsExactly("haproxy", "memcached", "nginx", "redis", "sqlite3");
        Recipe.shipped().values().forEach(r -> {
            assertThat(r.sourcePackage()).as(r.app()).isNotBlank();
            assertThat(r.program()).as(r.app()).isNotBlank();
            assertThat(r.binary()).as(r.app()).startsWith("/usr/");
            assertThat(r.hash()).hasSize(16);
        });
        Recipe memcached = Recipe.find("memcached").orElseThrow();
        assertThat(memcached.versionOf()).isEqualTo("memcached");
        assertThat(memcached.needsSources()).containsExactly("libevent");
        assertThat(Recipe.find("redis").orElseThrow().versionOf()).isEqualTo("redis-server");
        assertThat(Recipe.musl().sourcePackage()).isEqualTo("musl");
    }

    @Test
    void aRecipeWithoutSourceIsRefused() {
        assertThatThrownBy(() -> Recipe.parse("odd", "#!/bin/bash\n# program: x\nmake\n"))
                .hasMessageContaining("recipe odd has no '# source:' line");
    }
}
