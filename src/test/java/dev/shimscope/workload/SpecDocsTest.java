package dev.shimscope.workload;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/workload-spec.md is the one place that documents the spec: every field the parser accepts is in it. */
class SpecDocsTest {

    @Test
    void everyAcceptedFieldIsDocumented() throws Exception {
        String docs = Files.readString(Path.of("docs/workload-spec.md"));
        List<String> missing = new ArrayList<>();
        WorkloadSpecs.FIELDS.forEach((prefix, fields) -> fields.forEach(f -> {
            String path = prefix + f;
            // a field holding an object is documented through its own fields (server.ready.port ...)
            if (!docs.contains("`" + path + "`") && !docs.contains("`" + path + ".")) {
                missing.add(path);
            }
        }));
        assertThat(missing).as("fields the parser accepts but docs/workload-spec.md does not document").isEmpty();
        assertThat(WorkloadSpecs.FIELDS.get("")).contains("tests", "env", "prepare");
    }
}
