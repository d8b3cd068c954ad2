package dev.shimscope.report;

import dev.shimscope.ToolVersion;
import dev.shimscope.model.OsDescription;
import dev.shimscope.model.Verdict;
import dev.shimscope.plan.AppNeeds;
import dev.shimscope.plan.CompatibilityScore;
import dev.shimscope.plan.GreedyPlanner;
import dev.shimscope.plan.SupportPlan;
import dev.shimscope.plan.UnlockPlanner;
import dev.shimscope.plan.WorkloadSelection;
import dev.shimscope.store.Profile;
import dev.shimscope.store.StoreSnapshot;
import dev.shimscope.syscall.SyscallTable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A self-contained HTML report of a results store (one {@code index.html}, inline SVG and a few
 * lines of inline JavaScript for sorting, nothing fetched from the network): the cumulative support
 * curves of both planners per workload kind, per application a bar chart of static-binary /
 * static-source / traced / required / stub-or-fake counts (the study's Figure 2), a heatmap of
 * syscalls by applications coloured by verdict, per workload what its stubs, fakes and plan cost
 * (the measured impacts), the compatibility of the shipped OS lists, and sortable tables of
 * applications and syscalls. Each run shown is the newest of its workload.
 */
public final class HtmlReport {

    /** Colours of the plan curves. */
    public static final String GREEDY_COLOUR = "#1f77b4";
    public static final String UNLOCK_COLOUR = "#ff7f0e";

    /** Colours of the five bars per application, in drawing order. */
    public static final Map<String, String> BAR_COLOURS = bars();

    /** Colours of the heatmap cells by verdict. */
    public static final Map<Verdict, String> HEAT_COLOURS = heat();

    private static Map<String, String> bars() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("static binary", "#7f7f7f");
        m.put("static sources", "#bcbd22");
        m.put("traced", "#17becf");
        m.put("required", "#d62728");
        m.put("stub or fake", "#2ca02c");
        return java.util.Collections.unmodifiableMap(m);
    }

    private static Map<Verdict, String> heat() {
        Map<Verdict, String> m = new EnumMap<>(Verdict.class);
        m.put(Verdict.REQUIRED, "#8e0152");
        m.put(Verdict.FLAKY, "#c51b7d");
        m.put(Verdict.STUB_ONLY, "#2166ac");
        m.put(Verdict.FAKE_ONLY, "#e6ab02");
        m.put(Verdict.BOTH, "#66a61e");
        return java.util.Collections.unmodifiableMap(m);
    }

    private HtmlReport() {
    }

    /** Writes {@code DIR/index.html} atomically and returns its path. */
    public static Path write(StoreSnapshot snapshot, String storeLabel, Path dir) throws IOException {
        String html = render(snapshot, storeLabel, Instant.now());
        Path abs = dir.toAbsolutePath();
        Files.createDirectories(abs);
        Path file = abs.resolve("index.html");
        Path tmp = Files.createTempFile(abs, ".index.html", ".tmp");
        try {
            Files.writeString(tmp, html, StandardCharsets.UTF_8);
            // temp files are private; a report is for reading, by a web server too
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return file;
    }

    public static String render(StoreSnapshot snapshot, String storeLabel, Instant generated) {
        if (snapshot.isEmpty()) {
            throw new IllegalArgumentException("results store " + storeLabel + " holds no results; nothing to report");
        }
        List<Profile> runs = snapshot.latest();
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>shimscope report</title>\n");
        sb.append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        long apps = runs.stream().map(Profile::app).distinct().count();
        long imported = snapshot.runs().stream().filter(r -> r.profile().imported()).count();
        sb.append("<h1>shimscope report</h1>\n<p class=\"meta\">Store ").append(Html.escape(storeLabel)).append(": ")
                .append(apps).append(" applications, ").append(runs.size()).append(" workloads, ")
                .append(snapshot.runs().size()).append(" runs (").append(imported).append(" imported). Generated ")
                .append(generated).append(" by shimscope ").append(Html.escape(ToolVersion.get()))
                .append(". Each workload shows its newest run.</p>\n");

        sb.append("<h2 id=\"curves\">Cumulative support curves</h2>\n<p>Applications supported after implementing N syscalls, "
                + "for an OS that starts from nothing: Loupe's greedy plan and shimscope's unlock plan "
                + "(see <code>shimscope plan</code>).</p>\n<div class=\"row\">\n");
        for (WorkloadSelection sel : WorkloadSelection.values()) {
            try {
                List<AppNeeds> needs = AppNeeds.select(snapshot, List.of("*"), sel);
                SupportPlan greedy = new GreedyPlanner().plan(needs, null);
                SupportPlan unlock = new UnlockPlanner().plan(needs, null);
                sb.append("<figure>").append(curveChart(sel.id(), greedy, unlock)).append("</figure>\n");
            } catch (IllegalArgumentException e) {
                sb.append("<figure class=\"empty\">no ").append(sel.id()).append(" results</figure>\n");
            }
        }
        sb.append("</div>\n");

        sb.append("<h2 id=\"bars\">Syscalls per application</h2>\n<p>Per workload: syscalls found by static analysis of the "
                + "binary and of the sources, traced under the workload, required (need an implementation), and "
                + "stub or fake (the workload passes with ENOSYS or 0). Workloads with all five measures come first.</p>\n"
                + "<div class=\"scroll\">")
                .append(barChart(runs)).append("</div>\n");

        sb.append("<h2 id=\"heatmap\">Syscalls by application</h2>\n<p>One row per workload, one column per syscall that any "
                + "workload used (most often required first); colour = verdict.</p>\n<div class=\"scroll\">")
                .append(heatmap(runs)).append("</div>\n");

        sb.append("<h2 id=\"os\">OS compatibility</h2>\n<p>The OS lists shipped with shimscope (see <code>shimscope score</code>): "
                + "apps supported as the OS is, and Loupe's weighted score.</p>\n").append(osTable(snapshot));

        sb.append(costSection(runs));

        sb.append("<h2 id=\"apps\">Applications</h2>\n<p>Click a column header to sort.</p>\n").append(appTable(snapshot, runs));
        sb.append("<h2 id=\"syscalls\">Syscalls</h2>\n").append(syscallTable(runs));
        sb.append("<h2 id=\"features\">Below the syscalls: argument values and files</h2>\n<p>Per workload explored"
                + " with sub-features: the argument values of multiplexed syscalls whose calls fail both stubbed and faked"
                + " (they need an implementation), the values that can be stubbed or faked, and the files that must exist"
                + " versus those it tolerates missing.</p>\n").append(featureTable(runs));
        sb.append("<script>\n").append(SCRIPT).append("</script>\n</body></html>\n");
        return sb.toString();
    }

    // ---------------------------------------------------------------- curves

    static String curveChart(String workload, SupportPlan greedy, SupportPlan unlock) {
        int w = 460;
        int h = 300;
        int left = 48;
        int right = 12;
        int top = 44;
        int bottom = 40;
        int last = Math.max(1, Math.max(greedy.curve().lastX(), unlock.curve().lastX()));
        int n = Math.max(1, greedy.apps());
        double plotW = w - left - right;
        double plotH = h - top - bottom;
        Svg svg = new Svg(w, h, "cumulative support curve, " + workload);
        svg.rect(0, 0, w, h, "#ffffff");
        svg.text(left, 16, workload + ": " + greedy.apps() + " apps", "start", 13, "#222222");
        int legendY = 32;
        svg.rect(left, legendY - 4, 18, 4, GREEDY_COLOUR);
        svg.text(left + 22, legendY, String.format(Locale.ROOT, "greedy, area %.3f", greedy.curve().area(last)), "start", 11, "#222222");
        svg.rect(left + 200, legendY - 4, 18, 4, UNLOCK_COLOUR);
        svg.text(left + 222, legendY, String.format(Locale.ROOT, "unlock, area %.3f", unlock.curve().area(last)), "start", 11, "#222222");
        // axes and grid
        for (int t : ticks(last)) {
            double x = left + plotW * t / last;
            svg.line(x, top, x, top + plotH, "#eeeeee", 1);
            svg.text(x, top + plotH + 14, Integer.toString(t), "middle", 10, "#444444");
        }
        for (int t : ticks(n)) {
            double y = top + plotH - plotH * t / n;
            svg.line(left, y, left + plotW, y, "#eeeeee", 1);
            svg.text(left - 4, y + 3, Integer.toString(t), "end", 10, "#444444");
        }
        svg.line(left, top + plotH, left + plotW, top + plotH, "#444444", 1);
        svg.line(left, top, left, top + plotH, "#444444", 1);
        svg.text(left + plotW / 2, h - 6, "syscalls implemented", "middle", 11, "#222222");
        // greedy drawn wider underneath, so both stay visible where they coincide
        svg.path(stairs(greedy, last, left, top, plotW, plotH, n), GREEDY_COLOUR, 5, "greedy");
        svg.path(stairs(unlock, last, left, top, plotW, plotH, n), UNLOCK_COLOUR, 2, "unlock");
        return svg.end();
    }

    private static String stairs(SupportPlan p, int last, int left, int top, double plotW, double plotH, int n) {
        StringBuilder d = new StringBuilder();
        int prev = p.curve().at(0);
        d.append('M').append(Svg.num(left)).append(' ').append(Svg.num(top + plotH - plotH * prev / n));
        for (int x = 1; x <= last; x++) {
            int y = p.curve().at(x);
            if (y != prev) {
                d.append(" H").append(Svg.num(Math.round(left + plotW * x / last)))
                        .append(" V").append(Svg.num(Math.round(top + plotH - plotH * y / n)));
                prev = y;
            }
        }
        d.append(" H").append(Svg.num(left + plotW));
        return d.toString();
    }

    /** About six round tick values from 0 to max. */
    static List<Integer> ticks(int max) {
        int[] steps = {1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000};
        int step = steps[steps.length - 1];
        for (int s : steps) {
            if (max / s <= 6) {
                step = s;
                break;
            }
        }
        List<Integer> out = new ArrayList<>();
        for (int t = 0; t <= max; t += step) {
            out.add(t);
        }
        return out;
    }

    // ---------------------------------------------------------------- bars

    static String barChart(List<Profile> unordered) {
        // workloads with all five measures first (the study's Figure 2 compares those), then the rest
        List<Profile> runs = new ArrayList<>(unordered);
        runs.sort(Comparator.comparing((Profile p) -> counts(p).containsValue(null)));
        int longest = runs.stream().mapToInt(p -> p.app().length() + 1 + p.workloadDir().length()).max().orElse(10);
        int labelW = Math.max(150, (int) Math.ceil(6.4 * longest) + 14);
        int plotW = 560;
        int rowH = 28;
        int barH = 4;
        int top = 34;
        int max = 1;
        for (Profile p : runs) {
            for (Integer v : counts(p).values()) {
                if (v != null) {
                    max = Math.max(max, v);
                }
            }
        }
        int w = labelW + plotW + 60;
        int h = top + rowH * runs.size() + 10;
        Svg svg = new Svg(w, h, "syscall counts per application");
        svg.rect(0, 0, w, h, "#ffffff");
        int lx = labelW;
        for (Map.Entry<String, String> e : BAR_COLOURS.entrySet()) {
            svg.rect(lx, 10, 12, 12, e.getValue());
            svg.text(lx + 16, 20, e.getKey(), "start", 11, "#222222");
            lx += 30 + 7 * e.getKey().length();
        }
        for (int row = 1; row < runs.size(); row += 2) {
            svg.rect(0, top + row * rowH, w, rowH, "#f6f6f6");     // alternate rows, so bars read with their label
        }
        for (int t : ticks(max)) {
            double x = labelW + (double) plotW * t / max;
            svg.line(x, top - 4, x, h - 10, "#e4e4e4", 1);
        }
        int y = top;
        for (Profile p : runs) {
            svg.text(labelW - 8, y + 15, p.app() + " " + p.workloadDir(), "end", 11, "#222222");
            int by = y + 2;
            for (Map.Entry<String, Integer> e : counts(p).entrySet()) {
                Integer v = e.getValue();
                if (v != null && v > 0) {
                    double bw = Math.max(1, Math.round((double) plotW * v / max));
                    svg.rect(labelW, by, bw, barH, BAR_COLOURS.get(e.getKey()), p.app() + " " + p.workloadDir() + ": " + e.getKey() + " " + v);
                    svg.text(labelW + bw + 4, by + barH + 1, Integer.toString(v), "start", 7, "#555555");
                }
                by += barH + 1;
            }
            y += rowH;
        }
        return svg.end();
    }

    /** The five counts of the bar chart; null where the run has no such data. */
    static Map<String, Integer> counts(Profile p) {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("static binary", p.staticBinary() == null ? null : p.staticBinary().size());
        m.put("static sources", p.staticSources() == null ? null : p.staticSources().size());
        m.put("traced", p.hasDynamic() ? p.used().size() : null);
        m.put("required", p.hasDynamic() ? p.withVerdict(Verdict.REQUIRED, Verdict.FLAKY).size() : null);
        m.put("stub or fake", p.hasDynamic()
                ? p.withVerdict(Verdict.STUB_ONLY, Verdict.FAKE_ONLY, Verdict.BOTH).size() : null);
        return m;
    }

    // ---------------------------------------------------------------- heatmap

    static String heatmap(List<Profile> runs) {
        List<Profile> rows = runs.stream().filter(Profile::hasDynamic).toList();
        Map<String, int[]> usage = new HashMap<>();    // syscall -> {requiring, using}
        for (Profile p : rows) {
            p.verdicts().forEach((s, v) -> {
                int[] u = usage.computeIfAbsent(s, k -> new int[2]);
                u[1]++;
                if (v.needsImplementation()) {
                    u[0]++;
                }
            });
        }
        SyscallTable table = SyscallTable.x86_64();
        List<String> columns = new ArrayList<>(usage.keySet());
        columns.sort(Comparator.<String>comparingInt(s -> -usage.get(s)[0])
                .thenComparingInt(s -> -usage.get(s)[1])
                .thenComparingInt(s -> table.byName(s).map(x -> x.number()).orElse(Integer.MAX_VALUE)));
        int labelW = 250;
        int top = 96;
        int cell = 8;
        int w = labelW + cell * columns.size() + 20;
        int h = top + cell * rows.size() + 10;
        Svg svg = new Svg(w, h, "heatmap of syscalls by application");
        svg.rect(0, 0, w, h, "#ffffff");
        int lx = 10;
        for (Map.Entry<Verdict, String> e : HEAT_COLOURS.entrySet()) {
            svg.rect(lx, 8, 12, 12, e.getValue());
            svg.text(lx + 16, 18, e.getKey().label(), "start", 11, "#222222");
            lx += 34 + 7 * e.getKey().label().length();
        }
        svg.rect(labelW, top, cell * columns.size(), cell * rows.size(), "#f4f4f4");
        for (int c = 0; c < columns.size(); c++) {
            svg.verticalText(labelW + c * cell + 7, top - 4, columns.get(c), 7);
        }
        Map<String, Integer> col = new HashMap<>();
        for (int c = 0; c < columns.size(); c++) {
            col.put(columns.get(c), c);
        }
        int y = top;
        for (Profile p : rows) {
            svg.text(labelW - 6, y + 7, p.app() + " " + p.workloadDir(), "end", 8, "#222222");
            for (Map.Entry<String, Verdict> e : p.verdicts().entrySet()) {
                int c = col.get(e.getKey());
                svg.rect(labelW + c * cell, y, cell - 1, cell - 1, HEAT_COLOURS.get(e.getValue()),
                        p.app() + " " + p.workloadDir() + " · " + e.getKey() + ": " + e.getValue().label());
            }
            y += cell;
        }
        return svg.end();
    }

    // ---------------------------------------------------------------- tables

    private static String osTable(StoreSnapshot snapshot) {
        List<OsDescription> lists = OsDescription.shippedNames().stream().map(OsDescription::shipped).toList();
        Map<String, Map<WorkloadSelection, CompatibilityScore.OsScore>> byOs = new LinkedHashMap<>();
        List<WorkloadSelection> present = new ArrayList<>();
        for (WorkloadSelection sel : List.of(WorkloadSelection.BENCH, WorkloadSelection.SUITE)) {
            List<AppNeeds> needs;
            try {
                needs = AppNeeds.select(snapshot, List.of("*"), sel);
            } catch (IllegalArgumentException e) {
                continue;
            }
            present.add(sel);
            for (CompatibilityScore.OsScore s : CompatibilityScore.score(needs, lists)) {
                byOs.computeIfAbsent(s.os(), k -> new EnumMap<>(WorkloadSelection.class)).put(sel, s);
            }
        }
        StringBuilder sb = new StringBuilder("<table class=\"sortable\" id=\"os-table\"><thead><tr><th>OS</th><th>listed</th>");
        for (WorkloadSelection sel : present) {
            sb.append("<th>").append(sel.id()).append(": apps supported</th><th>").append(sel.id()).append(": weighted score</th>");
        }
        sb.append("</tr></thead><tbody>\n");
        for (var e : byOs.entrySet()) {
            CompatibilityScore.OsScore any = e.getValue().values().iterator().next();
            sb.append("<tr><td>").append(Html.escape(e.getKey())).append("</td>").append(numCell(any.listed()));
            for (WorkloadSelection sel : present) {
                CompatibilityScore.OsScore s = e.getValue().get(sel);
                sb.append(pctCell(s.supportedShare(), s.supported() + "/" + s.apps())).append(pctCell(s.weightedScore(), null));
            }
            sb.append("</tr>\n");
        }
        return sb.append("</tbody></table>\n").toString();
    }

    private static String appTable(StoreSnapshot snapshot, List<Profile> runs) {
        StringBuilder sb = new StringBuilder("<table class=\"sortable\" id=\"app-table\"><thead><tr>");
        for (String hd : List.of("app", "workload", "run", "source", "recorded", "runs", "used", "required", "stub only",
                "fake only", "both", "flaky", "static binary", "static sources")) {
            sb.append("<th>").append(hd).append("</th>");
        }
        sb.append("</tr></thead><tbody>\n");
        for (Profile p : runs) {
            long count = snapshot.runsOf(p.app()).stream().filter(r -> r.profile().workloadDir().equals(p.workloadDir())).count();
            sb.append("<tr><td>").append(Html.escape(p.app())).append("</td><td>").append(Html.escape(p.workloadDir()))
                    .append("</td><td>").append(Html.escape(p.runId())).append("</td><td>")
                    .append(p.imported() ? "imported (" + Html.escape(p.toolVersion()) + ")" : "shimscope " + Html.escape(p.toolVersion()))
                    .append("</td><td>").append(p.recorded()).append("</td>").append(numCell((int) count));
            if (p.hasDynamic()) {
                sb.append(numCell(p.used().size()));
                for (Verdict v : List.of(Verdict.REQUIRED, Verdict.STUB_ONLY, Verdict.FAKE_ONLY,
                        Verdict.BOTH, Verdict.FLAKY)) {
                    sb.append(numCell(p.withVerdict(v).size()));
                }
            } else {
                sb.append("<td data-v=\"-1\">-</td>".repeat(6));
            }
            sb.append(p.staticBinary() == null ? "<td data-v=\"-1\">-</td>" : numCell(p.staticBinary().size()));
            sb.append(p.staticSources() == null ? "<td data-v=\"-1\">-</td>" : numCell(p.staticSources().size()));
            sb.append("</tr>\n");
        }
        return sb.append("</tbody></table>\n").toString();
    }

    private static String syscallTable(List<Profile> runs) {
        SyscallTable table = SyscallTable.x86_64();
        Map<String, int[]> counts = new HashMap<>();    // using, required, stub only, fake only, both
        Set<String> names = new TreeSet<>();
        for (Profile p : runs) {
            if (!p.hasDynamic()) {
                continue;
            }
            p.verdicts().forEach((s, v) -> {
                names.add(s);
                int[] c = counts.computeIfAbsent(s, k -> new int[5]);
                c[0]++;
                switch (v) {
                    case REQUIRED, FLAKY -> c[1]++;
                    case STUB_ONLY -> c[2]++;
                    case FAKE_ONLY -> c[3]++;
                    case BOTH -> c[4]++;
                }
            });
        }
        List<String> sorted = new ArrayList<>(names);
        sorted.sort(Comparator.comparingInt((String s) -> -counts.get(s)[1]).thenComparing(s -> s));
        StringBuilder sb = new StringBuilder("<table class=\"sortable\" id=\"syscall-table\"><thead><tr>");
        for (String hd : List.of("syscall", "number", "workloads using", "required", "stub only", "fake only", "both")) {
            sb.append("<th>").append(hd).append("</th>");
        }
        sb.append("</tr></thead><tbody>\n");
        for (String s : sorted) {
            int[] c = counts.get(s);
            sb.append("<tr><td>").append(Html.escape(s)).append("</td>")
                    .append(numCell(table.byName(s).map(x -> x.number()).orElse(-1)));
            for (int v : c) {
                sb.append(numCell(v));
            }
            sb.append("</tr>\n");
        }
        return sb.append("</tbody></table>\n").toString();
    }

    private static String featureTable(List<Profile> runs) {
        StringBuilder sb = new StringBuilder("<table class=\"sortable\" id=\"feature-table\"><thead><tr>");
        for (String hd : List.of("workload", "required values", "stub or fake values", "required files", "files that may be missing")) {
            sb.append("<th>").append(hd).append("</th>");
        }
        sb.append("</tr></thead><tbody>\n");
        int rows = 0;
        for (Profile p : runs) {
            if (p.features() == null) {
                continue;
            }
            List<String> required = new ArrayList<>();
            List<String> tolerated = new ArrayList<>();
            for (dev.shimscope.model.ArgumentVerdict v : p.features().values()) {
                String name = v.syscall().name() + "(" + v.value().name() + ")";
                (v.verdict() == dev.shimscope.model.Verdict.REQUIRED || v.verdict() == dev.shimscope.model.Verdict.FLAKY
                        ? required : tolerated).add(name);
            }
            List<String> needed = new ArrayList<>();
            List<String> optional = new ArrayList<>();
            for (dev.shimscope.model.FileVerdict f : p.features().files()) {
                (f.need() == dev.shimscope.model.FileVerdict.Need.REQUIRED || f.need() == dev.shimscope.model.FileVerdict.Need.FLAKY
                        ? needed : optional).add(f.path());
            }
            sb.append("<tr><td>").append(Html.escape(p.app() + " " + p.workloadDir())).append("</td>");
            for (List<String> cell : List.of(required, tolerated, needed, optional)) {
                sb.append("<td data-v=\"").append(cell.size()).append("\">").append(Html.escape(String.join(" ", cell))).append("</td>");
            }
            sb.append("</tr>\n");
            rows++;
        }
        if (rows == 0) {
            return "<p class=\"empty\">No stored result has sub-features (explore without --no-features).</p>\n";
        }
        return sb.append("</tbody></table>\n").toString();
    }

    // ---------------------------------------------------------------- costs

    /** Colour of a change for the worse and for the better. */
    public static final String WORSE_COLOUR = "#fbd3d3";
    public static final String BETTER_COLOUR = "#d5f0d5";

    /**
     * Per workload with measured impacts: a row per stubbed or faked syscall that changed a measure,
     * one column per measure (the ratio to the baseline and its interval where it is an impact),
     * and the plan's cost as the last row (every ratio; significant ones coloured).
     */
    static String costSection(List<Profile> runs) {
        List<Profile> measured = runs.stream().filter(p -> p.impacts() != null).toList();
        StringBuilder sb = new StringBuilder("<h2 id=\"costs\">What stubs and fakes cost</h2>\n");
        if (measured.isEmpty()) {
            return sb.append("<p>No workload has measured impacts (explorations made before they were measured, "
                    + "or with <code>--no-impacts</code>).</p>\n").toString();
        }
        sb.append("<p>Per workload: each stub or fake whose runs differed from the baseline by more than the baseline's "
                + "own variation explains, confirmed by runs with the machine to itself (ratio to the baseline, its "
                + "interval in brackets; red: worse, green: better), and the verified plan's cost, run alone against the "
                + "baseline alone. Time is effective time (a run's wait for a CPU left out); memory and descriptors are "
                + "the application's own processes'.</p>\n");
        for (Profile p : measured) {
            var im = p.impacts();
            List<String> columns = new ArrayList<>();
            for (dev.shimscope.model.Comparison c : im.planCost()) {
                columns.add(c.name());
            }
            for (dev.shimscope.model.Impact i : im.impacts()) {
                if (!columns.contains(i.comparison().name())) {
                    columns.add(i.comparison().name());
                }
            }
            sb.append("<h3>").append(Html.escape(p.app() + " " + p.workloadDir())).append("</h3>\n");
            sb.append("<table class=\"sortable\" id=\"cost-").append(Html.escape(p.app() + "-" + p.workloadDir()))
                    .append("\"><thead><tr><th>syscall</th><th>treatment</th>");
            columns.forEach(c -> sb.append("<th>").append(Html.escape(c)).append("</th>"));
            sb.append("</tr></thead><tbody>\n");
            Map<String, Map<String, dev.shimscope.model.Comparison>> rows = new LinkedHashMap<>();
            for (dev.shimscope.model.Impact i : im.impacts()) {
                rows.computeIfAbsent(i.syscall().name() + "\u0000" + i.treatment().id(), k -> new LinkedHashMap<>())
                        .put(i.comparison().name(), i.comparison());
            }
            rows.forEach((key, byMeasure) -> {
                String[] st = key.split("\u0000");
                sb.append("<tr><td>").append(Html.escape(st[0])).append("</td><td>").append(Html.escape(st[1])).append("</td>");
                columns.forEach(c -> sb.append(costCell(byMeasure.get(c))));
                sb.append("</tr>\n");
            });
            if (!im.planCost().isEmpty()) {
                sb.append("<tr><td><b>the plan</b></td><td>alone</td>");
                Map<String, dev.shimscope.model.Comparison> byName = new LinkedHashMap<>();
                im.planCost().forEach(c -> byName.put(c.name(), c));
                columns.forEach(c -> sb.append(costCell(byName.get(c))));
                sb.append("</tr>\n");
            }
            sb.append("</tbody></table>\n");
            if (!im.choices().isEmpty()) {
                sb.append("<p>Works both ways, and one way costs less (the plan stubs them all; an OS may prefer): ");
                List<String> parts = new ArrayList<>();
                im.choices().forEach((sc, t) -> parts.add(Html.escape(sc.name()) + " " + t.id() + "d"));
                sb.append(String.join(", ", parts)).append(".</p>\n");
            }
        }
        return sb.toString();
    }

    private static String costCell(dev.shimscope.model.Comparison c) {
        if (c == null) {
            return "<td class=\"n\" data-v=\"1\"></td>";
        }
        String colour = c.worse() ? WORSE_COLOUR : c.better() ? BETTER_COLOUR : null;
        String text = dev.shimscope.model.Comparison.formatRatio(c.ratio()) + (Double.isNaN(c.low()) ? "" : " ["
                + dev.shimscope.model.Comparison.formatRatio(c.low()) + ", " + dev.shimscope.model.Comparison.formatRatio(c.high()) + "]");
        return "<td class=\"n\" data-v=\"" + String.format(Locale.ROOT, "%.4f", c.ratio()) + "\""
                + (colour == null ? "" : " style=\"background:" + colour + "\"") + " title=\""
                + Html.escape(String.format(Locale.ROOT, "baseline %.4g, this %.4g (%d and %d runs)", c.baseline(), c.value(),
                c.baselineRuns(), c.runs())) + "\">" + Html.escape(text) + "</td>";
    }

    private static String numCell(int v) {
        return "<td class=\"n\" data-v=\"" + v + "\">" + v + "</td>";
    }

    private static String pctCell(double share, String detail) {
        return "<td class=\"n\" data-v=\"" + String.format(Locale.ROOT, "%.6f", share) + "\">"
                + String.format(Locale.ROOT, "%.1f%%", 100 * share) + (detail == null ? "" : " (" + detail + ")") + "</td>";
    }

    private static final String CSS = """
            body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; background: #fff; }
            h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 6px; }
            .meta { color: #555; }
            .row { display: flex; flex-wrap: wrap; gap: 12px; }
            figure { margin: 0; border: 1px solid #ddd; }
            figure.empty { width: 460px; height: 300px; display: flex; align-items: center; justify-content: center; color: #777; }
            .scroll { max-height: 640px; overflow: auto; border: 1px solid #ddd; }
            table { border-collapse: collapse; margin: 6px 0; }
            th, td { border: 1px solid #ddd; padding: 2px 6px; }
            th { background: #f0f0f0; cursor: pointer; user-select: none; }
            th.asc::after { content: " \\25B2"; } th.desc::after { content: " \\25BC"; }
            td.n { text-align: right; font-variant-numeric: tabular-nums; }
            """;

    /** Click a header to sort by it (again to reverse); {@code #sort=TABLE:COLUMN[:desc]} sorts on load. */
    private static final String SCRIPT = """
            function sortTable(table, col, desc) {
              const body = table.tBodies[0];
              const rows = Array.from(body.rows);
              const key = r => { const c = r.cells[col]; return c.dataset.v !== undefined ? parseFloat(c.dataset.v) : c.textContent; };
              rows.sort((a, b) => {
                const x = key(a), y = key(b);
                const d = (typeof x === 'number' && typeof y === 'number') ? x - y : String(x).localeCompare(String(y));
                return desc ? -d : d;
              });
              rows.forEach(r => body.appendChild(r));
              Array.from(table.tHead.rows[0].cells).forEach((th, i) => {
                th.classList.toggle('asc', i === col && !desc);
                th.classList.toggle('desc', i === col && desc);
              });
              table.dataset.sorted = col + (desc ? ':desc' : ':asc');
            }
            document.querySelectorAll('table.sortable').forEach(table => {
              Array.from(table.tHead.rows[0].cells).forEach((th, i) => th.addEventListener('click', () =>
                sortTable(table, i, th.classList.contains('asc'))));
            });
            const m = /^#sort=([\\w-]+):(\\d+)(:desc)?$/.exec(location.hash);
            if (m && document.getElementById(m[1])) { sortTable(document.getElementById(m[1]), parseInt(m[2], 10), !!m[3]); }
            """;
}
