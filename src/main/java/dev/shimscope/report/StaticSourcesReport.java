package dev.shimscope.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shimscope.model.Json;
import dev.shimscope.staticsrc.SourceBuild;
import dev.shimscope.staticsrc.SourceResult;
import dev.shimscope.staticsrc.StaticSources;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Output of {@code shimscope static --sources APP}: a terminal summary (how the program was
 * built, the call graph's size, one row per syscall with a call path from a root), the same as
 * JSON, and the build facts stored beside the set in the results store. The CSV is
 * {@link StaticReport#csv}'s format (Loupe's {@code static_sources.csv} is {@code static_binary.csv}'s).
 */
public final class StaticSourcesReport {

    private StaticSourcesReport() {
    }

    public static String text(StaticSources.Analysis a) {
        SourceBuild.Built b = a.build();
        SourceResult r = a.result();
        SourceResult.Stats s = r.stats();
        StringBuilder sb = new StringBuilder();
        sb.append("program:  ").append(r.program()).append('\n');
        if (!b.requestedVersion().isEmpty() && !b.requestedVersion().equals(b.sourceVersion())) {
            sb.append("          (installed: ").append(b.requestedVersion()).append("; the mirror had no source of it)\n");
        }
        if (!b.otherSources().isEmpty()) {
            List<String> o = new ArrayList<>();
            b.otherSources().forEach((k, v) -> o.add(k + " " + v));
            sb.append("built in: ").append(String.join(", ", o)).append('\n');
        }
        sb.append("IR:       ").append(b.ir()).append(" (").append(s.irLines()).append(" lines, ").append(s.instructions())
                .append(" instructions; ").append(b.fromCache() ? "cached build" : "built in " + seconds(b.buildMillis()))
                .append(", read in ").append(seconds(s.parseMillis())).append(")\n");
        sb.append("graph:    ").append(s.functionsReached()).append(" of ").append(s.functionsDefined())
                .append(" IR functions reached, ").append(s.nativeFunctionsReached()).append(" of ").append(s.nativeFunctions())
                .append(" native; ").append(s.addressTaken()).append(" address-taken, ").append(s.indirectCallSignatures())
                .append(" indirect-call signatures, ").append(s.signalHandlerRoots()).append(" signal-handler roots; ")
                .append(seconds(s.analysisMillis())).append('\n');
        sb.append("syscalls: ").append(r.syscalls().size()).append(" (").append(s.syscallSites()).append(" reached sites, ")
                .append(r.unresolvedSites().size()).append(" not fully resolved)\n\n");
        TextTable t = new TextTable("NR", "NAME", "CALL PATH (root > ... > where the number is fixed => to the syscall)").right(0);
        for (SourceResult.SyscallEntry e : r.syscalls()) {
            t.row(e.number(), e.name(), e.provenance().isEmpty() ? "" : path(e.provenance().getFirst()));
        }
        sb.append(t.render());
        if (!r.unresolvedSites().isEmpty()) {
            sb.append("\nreached sites whose number is not (fully) known:\n");
            for (SourceResult.Site site : r.unresolvedSites().subList(0, Math.min(20, r.unresolvedSites().size()))) {
                sb.append("  ").append(site.site()).append(": ").append(site.status())
                        .append(site.known().isEmpty() ? "" : " " + site.known()).append(" (")
                        .append(String.join("; ", site.reasons().subList(0, Math.min(2, site.reasons().size())))).append(")\n");
            }
            if (r.unresolvedSites().size() > 20) {
                sb.append("  ... ").append(r.unresolvedSites().size() - 20).append(" more in --json\n");
            }
        }
        if (!r.unresolvedCallbacks().isEmpty()) {
            sb.append("\nfunction pointers given to native code that could not be resolved:\n");
            r.unresolvedCallbacks().forEach(c -> sb.append("  ").append(c).append('\n'));
        }
        if (!r.undefinedFunctions().isEmpty()) {
            sb.append("\nreached functions defined nowhere in the program (not analysed): ")
                    .append(String.join(", ", r.undefinedFunctions())).append('\n');
        }
        return sb.toString();
    }

    /** {@code main > setgid > __setxid => do_setxid (inline asm in do_setxid ...)}. */
    static String path(SourceResult.Provenance p) {
        StringBuilder sb = new StringBuilder(String.join(" > ", p.path()));
        List<String> through = p.through();
        if (through.size() > 1 || (through.size() == 1 && (p.path().isEmpty() || !p.path().getLast().equals(through.getFirst())))) {
            List<String> rest = !p.path().isEmpty() && p.path().getLast().equals(through.getFirst())
                    ? through.subList(1, through.size()) : through;
            if (!rest.isEmpty()) {
                sb.append(" => ").append(String.join(" > ", rest));
            }
        }
        return sb.toString();
    }

    public static String json(StaticSources.Analysis a) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("set", "source-level");
        root.put("syscallNames", a.result().names());
        root.put("build", build(a.build()));
        root.put("result", a.result());
        return Json.write(root);
    }

    /** The build facts, as stored in a profile's details ({@code details.static_sources}). */
    public static ObjectNode provenance(StaticSources.Analysis a) {
        ObjectNode o = (ObjectNode) Json.mapper().valueToTree(build(a.build()));
        o.put("syscalls", a.result().syscalls().size());
        o.put("unresolved_sites", a.result().unresolvedSites().size());
        return o;
    }

    private static Map<String, Object> build(SourceBuild.Built b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("app", b.recipe().app());
        m.put("source", b.recipe().sourcePackage() + " " + b.sourceVersion());
        m.put("installed", b.requestedVersion());
        m.put("other_sources", b.otherSources());
        m.put("compiler", b.compiler());
        m.put("libc", "musl " + b.musl());
        m.put("musl_prefix", b.muslPrefix().toString());
        m.put("recipe", b.recipe().hash());
        m.put("ir", b.ir().toString());
        m.put("from_cache", b.fromCache());
        m.put("build_millis", b.buildMillis());
        return m;
    }

    private static String seconds(long millis) {
        return millis >= 60_000 ? (millis / 60_000) + " min " + (millis % 60_000) / 1000 + " s"
                : String.format("%.1f s", millis / 1000.0);
    }
}
