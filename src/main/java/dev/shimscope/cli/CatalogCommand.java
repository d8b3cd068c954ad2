package dev.shimscope.cli;

import dev.shimscope.report.TextTable;
import dev.shimscope.workload.Catalog;
import dev.shimscope.workload.Packages;
import dev.shimscope.workload.WorkloadSpec;
import dev.shimscope.workload.WorkloadSpecs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "catalog", description = "List and show the shipped applications and workloads (explore or run them by name).",
        subcommands = {CatalogCommand.ListCommand.class, CatalogCommand.ShowCommand.class})
final class CatalogCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give 'list' or 'show NAME'");
    }

    static Catalog catalog() {
        return Catalog.shipped().orElseThrow(() -> new IllegalArgumentException(
                "no catalog found next to this shimscope: set SHIMSCOPE_CATALOG to a catalog directory"));
    }

    @Command(name = "list", description = "One line per entry: name, kind, workload, packages, whether they are installed.")
    static final class ListCommand implements Callable<Integer> {
        @Override
        public Integer call() {
            TextTable table = new TextTable("NAME", "KIND", "WORKLOAD", "PACKAGES", "INSTALLED");
            for (Catalog.Entry e : catalog().entries()) {
                WorkloadSpec s = e.load();
                List<String> missing = Packages.missing(s.packages());
                table.row(e.name(), s.kind().id(), s.workload(), String.join(" ", s.packages()),
                        missing.isEmpty() ? "yes" : "no: " + String.join(" ", missing));
            }
            System.out.print(table.render());
            return 0;
        }
    }

    @Command(name = "show", description = "Print an entry's spec and the files it uses (scripts, configuration).")
    static final class ShowCommand implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME", description = "A catalog entry (see 'catalog list').")
        String name;

        @Override
        public Integer call() throws Exception {
            Catalog catalog = catalog();
            Catalog.Entry entry = catalog.find(name).orElseThrow(() -> new IllegalArgumentException(
                    "no catalog entry '" + name + "' (see 'shimscope catalog list')"));
            WorkloadSpec spec = entry.load();
            Path base = catalog.dir().getParent() != null ? catalog.dir().getParent() : catalog.dir();
            print(base.relativize(entry.file()), Files.readString(entry.file()));
            for (Path f : WorkloadSpecs.namedFiles(spec)) {
                String text;
                try {
                    text = Files.readString(f);
                } catch (MalformedInputException e) {
                    text = "(binary file, " + Files.size(f) + " bytes)\n";
                }
                print(base.relativize(f), text);
            }
            return 0;
        }

        private static void print(Path file, String text) {
            System.out.println("==> " + file + " <==");
            System.out.print(text.endsWith("\n") ? text : text + "\n");
            System.out.println();
        }
    }
}
