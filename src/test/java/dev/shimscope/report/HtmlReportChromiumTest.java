package dev.shimscope.report;

import dev.shimscope.model.Verdict;
import dev.shimscope.store.ResultStore;
import dev.shimscope.testing.LoupeData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Renders the report of the shipped Loupe data in headless Chromium and checks the screenshot's
 * pixels: each chart's own colours must cover areas that only drawn charts can cover.
 */
class HtmlReportChromiumTest {

    @TempDir
    static Path tmp;

    private static Path page;

    @BeforeAll
    static void render() throws Exception {
        page = HtmlReport.write(ResultStore.open(LoupeData.importedStore()).read(), "shipped Loupe data", tmp.resolve("report"));
    }

    private static String chromium() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(dir, "chromium");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new AssertionError("chromium is not installed; run 'tools/install-deps.sh test' (Debian package chromium)");
    }

    /** Runs headless Chromium with networking off and returns its standard output. */
    private static String chromium(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + Files.createTempDirectory(tmp, "profile"), "--force-color-profile=srgb",
                "--hide-scrollbars"));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "chromium", ".out");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 120 s: " + cmd);
        }
        assertThat(p.exitValue()).as("chromium exit status").isZero();
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    private static Map<Integer, Integer> screenshotColours(Path html, String fragment) throws Exception {
        Path png = tmp.resolve("shot-" + System.nanoTime() + ".png");
        chromium("--screenshot=" + png, "--window-size=1500,2600", html.toUri() + fragment);
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img).as("screenshot " + png).isNotNull();
        assertThat(img.getWidth()).isEqualTo(1500);
        Map<Integer, Integer> counts = new HashMap<>();
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                counts.merge(img.getRGB(x, y) & 0xffffff, 1, Integer::sum);
            }
        }
        return counts;
    }

    private static int rgb(String hex) {
        return Integer.parseInt(hex.substring(1), 16);
    }

    @Test
    void theChartsAreReallyDrawn() throws Exception {
        Map<Integer, Integer> px = screenshotColours(page, "");
        // each legend swatch is 12 x 12 = 144 pixels; drawn data must cover far more
        assertThat(px.getOrDefault(rgb(HtmlReport.GREEDY_COLOUR), 0)).as("greedy curves").isGreaterThan(1500);
        assertThat(px.getOrDefault(rgb(HtmlReport.UNLOCK_COLOUR), 0)).as("unlock curves").isGreaterThan(1500);
        for (var e : HtmlReport.BAR_COLOURS.entrySet()) {
            assertThat(px.getOrDefault(rgb(e.getValue()), 0)).as("bars: " + e.getKey()).isGreaterThan(2000);
        }
        assertThat(px.getOrDefault(rgb(HtmlReport.HEAT_COLOURS.get(Verdict.REQUIRED)), 0)).as("heatmap: required")
                .isGreaterThan(20_000);
        assertThat(px.getOrDefault(rgb(HtmlReport.HEAT_COLOURS.get(Verdict.BOTH)), 0)).as("heatmap: both")
                .isGreaterThan(10_000);
        assertThat(px.getOrDefault(rgb(HtmlReport.HEAT_COLOURS.get(Verdict.STUB_ONLY)), 0)).as("heatmap: stub only")
                .isGreaterThan(3000);
        assertThat(px.getOrDefault(rgb(HtmlReport.HEAT_COLOURS.get(Verdict.FAKE_ONLY)), 0)).as("heatmap: fake only")
                .isGreaterThan(3000);
    }

    @Test
    void aPageWithoutChartsFailsTheSameCheck() throws Exception {
        // the check above can fail: the same page with its SVG removed has none of those areas
        String html = Files.readString(page).replaceAll("(?s)<svg.*?</svg>", "");
        Path bare = tmp.resolve("bare.html");
        Files.writeString(bare, html);
        Map<Integer, Integer> px = screenshotColours(bare, "");
        assertThat(px.getOrDefault(rgb(HtmlReport.GREEDY_COLOUR), 0)).isLessThan(200);
        assertThat(px.getOrDefault(rgb(HtmlReport.HEAT_COLOURS.get(Verdict.REQUIRED)), 0)).isLessThan(200);
        assertThat(px.getOrDefault(rgb(HtmlReport.BAR_COLOURS.get("traced")), 0)).isLessThan(200);
    }

    @Test
    void tablesSortInTheBrowser() throws Exception {
        // #sort=TABLE:COLUMN:desc sorts on load, as a click on the header does; column 6 is "used"
        String dom = chromium("--dump-dom", page.toUri() + "#sort=app-table:6:desc");
        int start = dom.indexOf("id=\"app-table\"");
        assertThat(start).isPositive();
        String table = dom.substring(start, dom.indexOf("</table>", start));
        assertThat(table).contains("data-sorted=\"6:desc\"");
        Matcher row = Pattern.compile("<tr><td>([^<]+)</td>(?:<td[^>]*>[^<]*</td>){5}<td class=\"n\" data-v=\"(\\d+)\"").matcher(table);
        List<Integer> used = new ArrayList<>();
        List<String> apps = new ArrayList<>();
        while (row.find()) {
            apps.add(row.group(1));
            used.add(Integer.parseInt(row.group(2)));
        }
        assertThat(used).hasSize(123);
        assertThat(used).isSortedAccordingTo((a, b) -> b - a);
        assertThat(apps.getFirst()).isNotEqualTo("activemq");      // not the page's own (alphabetical) order
    }

    @Test
    void thePageFetchesNothing() throws Exception {
        String html = Files.readString(page);
        assertThat(html).doesNotContain("http://", "https://", "<link", "@import", "url(");
        assertThat(Pattern.compile("(src|href)\\s*=", Pattern.CASE_INSENSITIVE).matcher(html).find()).isFalse();
        assertThat(html).contains("<svg", "<script>");
    }
}
