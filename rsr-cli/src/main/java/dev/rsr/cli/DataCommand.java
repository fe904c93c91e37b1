package dev.rsr.cli;

import dev.rsr.data.DataSources;
import dev.rsr.data.Splits;
import dev.rsr.data.TextExample;
import dev.rsr.io.AtomicFiles;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "data", mixinStandardHelpOptions = true, description = "Data sets.", subcommands = DataCommand.Export.class)
final class DataCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = {"Write a built-in or real data set as train.tsv and eval.tsv (text<TAB>label, with a header), "
                    + "split per label so both files keep the label shares.",
                    "Sources: wordnet-noun (26 noun supersenses from glosses), wordnet-verb (15 verb supersenses), wordnet-pos "
                            + "(part of speech from glosses), fortunes[:cat1,cat2,...] (category from text, balanced; default "
                            + "computers,people,politics,science,work), synthetic:negation|word-order|agreement."})
    static final class Export implements Callable<Integer> {
        @Option(names = "--source", required = true, description = "The data source (see above).")
        String source;

        @PathRole(PathRole.Kind.OUTPUT_DIR)
        @Option(names = "--out", required = true, description = "Directory for train.tsv and eval.tsv.")
        Path out;

        @Range(min = 0.001, max = 0.999, note = "the share of each label held out")
        @Option(names = "--eval-fraction", defaultValue = "0.2", description = "Share of each label held out (default: ${DEFAULT-VALUE}).")
        double evalFraction;

        @Range(min = 0, max = 1e9, note = "0 = all")
        @Option(names = "--max-per-class", defaultValue = "0", description = "Keep at most this many examples per label; 0 = all (default: ${DEFAULT-VALUE}).")
        int maxPerClass;

        @Range(min = 1, max = 100_000_000)
        @Option(names = "--size", defaultValue = "5000", description = "Examples to generate for synthetic sources (default: ${DEFAULT-VALUE}).")
        int size;

        @Range(min = Long.MIN_VALUE, max = Long.MAX_VALUE)
        @Option(names = "--seed", defaultValue = "42", description = "Seed of generation, sampling and split (default: ${DEFAULT-VALUE}).")
        long seed;

        @picocli.CommandLine.Mixin
        DataDirs dataDirs;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            List<TextExample> all = new DataSources(dataDirs.wordnet, dataDirs.fortunes, size, seed).load(source);
            if (maxPerClass > 0) {
                all = DataSources.capPerClass(all, maxPerClass, seed);
            }
            Splits.Split split = Splits.stratified(all, evalFraction, seed);
            write(out.resolve("train.tsv"), split.train());
            write(out.resolve("eval.tsv"), split.eval());
            PrintWriter w = spec.commandLine().getOut();
            Map<String, Integer> counts = new TreeMap<>();
            all.forEach(e -> counts.merge(e.label(), 1, Integer::sum));
            w.printf("%s: %d examples, %d labels -> %s (%d) and %s (%d)%n", source, all.size(), counts.size(),
                    out.resolve("train.tsv"), split.train().size(), out.resolve("eval.tsv"), split.eval().size());
            counts.forEach((label, n) -> w.printf("  %-24s %6d%n", label, n));
            w.flush();
            return 0;
        }

        private static void write(Path file, List<TextExample> examples) {
            StringBuilder sb = new StringBuilder("text\tlabel\n");
            for (TextExample e : examples) {
                sb.append(e.text().replaceAll("[\\t\\r\\n]+", " ")).append('\t').append(e.label()).append('\n');
            }
            AtomicFiles.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
        }
    }
}
