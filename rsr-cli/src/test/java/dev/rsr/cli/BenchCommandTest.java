package dev.rsr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsr.onnx.OnnxFormat;
import dev.rsr.training.TrainingSpec;
import dev.rsr.zoo.TextClassifier;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** How {@code rsr bench} reads its options. */
class BenchCommandTest {

    private static List<String> methods(String value) {
        CommandLine cli = RsrCommand.newCommandLine();
        CommandLine.ParseResult parsed = cli.parseArgs("bench", "--zoo", "text-classifier", "--methods", value);
        return ((BenchCommand) parsed.subcommand().commandSpec().userObject()).methods;
    }

    @Test
    void methodsSplitOnCommasOutsideBracesOnly() {
        assertEquals(List.of("full", "rsr{selector.always=first,last}", "bitfit"), methods("full,rsr{selector.always=first,last},bitfit"));
        assertEquals(List.of("rsr{booster=none;pheromone=none}", "rsr{mask.density=0.3;selector.always=first,last}"),
                methods("rsr{booster=none;pheromone=none},rsr{mask.density=0.3;selector.always=first,last}"));
        assertEquals(List.of("full", "rsr"), methods("full,rsr"));
    }

    @TempDir
    Path dir;

    @Test
    void trainingTimesAGivenModelAndSaysWhereTheTimeGoes() throws Exception {
        TextClassifier config = new TextClassifier(100, 16, 1, 2, 32, 16, 2, 1);
        Path model = Files.write(dir.resolve("tiny.onnx"), OnnxFormat.toBytes(config.build()));
        // q, k, v and output projections (4 x 16 x 16), the feed-forward (2 x 16 x 32) and the head (16 x 2).
        assertEquals(4 * 16 * 16 + 2 * 16 * 32 + 16 * 2, BenchCommand.Training.denseWeights(config.build()));

        CliRun run = CliRun.of("bench", "training", "--model", model.toString(), "--steps", "2", "--batch", "4", "--sequence", "8",
                "--threads", "1", "--profile");
        assertEquals(0, run.exitCode(), run.err());
        String out = run.out();
        assertTrue(out.contains("tiny.onnx") && out.contains(" all ") && out.contains("head only"), out);
        assertTrue(out.contains("tiny.onnx: where a step's time goes (5 traced steps"), out);
        // Matmuls run in the forward and backward passes, never in the update; the optimizer only in the update.
        String[] matmul = prepend(row(out, "matmul"));
        assertTrue(Double.parseDouble(matmul[4]) > 0 && Double.parseDouble(matmul[3]) == 0, out);
        String[] optimizer = prepend(row(out, "optimizer"));
        assertTrue(Double.parseDouble(optimizer[1]) == 0 && Double.parseDouble(optimizer[2]) == 0, out);
        // A masked step like rsr's, timed and traced beside the fused one, whose update is TensorFlow's fused op alone.
        assertTrue(out.contains("all, masked") && out.matches("(?s).*half of every tensor masked, with sensitivity statistics every step: "
                + "[0-9.]+x the step time of TensorFlow's fused Adam.*"), out);
        String fused = out.substring(0, out.indexOf("tiny.onnx, masked: where a step's time goes"));
        String masked = out.substring(out.indexOf("tiny.onnx, masked: where a step's time goes"));
        for (String profile : List.of(fused, masked)) {
            double shares = profile.lines().filter(l -> l.matches("^[a-z][a-z ]*\\s+[0-9.]+\\s+[0-9.]+\\s+[0-9.]+\\s+[0-9.]+\\s+[0-9]+%$"))
                    .mapToDouble(l -> Double.parseDouble(l.replaceAll(".*\\s([0-9]+)%$", "$1"))).sum();
            assertTrue(Math.abs(shares - 100) <= 4, "shares add up to " + shares + ":\n" + profile);
        }
        assertEquals(0, Double.parseDouble(prepend(row(fused, "elementwise"))[3]), fused);
    }

    /** A model with a table of four million elements is also timed with its table updated densely, side by side. */
    @Test
    void trainingComparesLazyAndDenseTableUpdatesWhenATableIsLarge() throws Exception {
        TextClassifier config = new TextClassifier(62_500, 64, 1, 2, 32, 8, 2, 1); // a 62,500 x 64 table: the default size
        assertEquals(TrainingSpec.DEFAULT_SPARSE_TABLES_FROM, BenchCommand.Training.largestGatheredTable(config.build()));
        Path model = Files.write(dir.resolve("wide.onnx"), OnnxFormat.toBytes(config.build()));
        CliRun run = CliRun.of("bench", "training", "--model", model.toString(), "--steps", "2", "--batch", "2", "--sequence", "4",
                "--threads", "1");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("all, lazy") && run.out().contains("all, dense"), run.out());
        assertTrue(run.out().matches("(?s).*update lazily \\(only the rows a batch uses\\): [0-9.]+x the step time.*"), run.out());
    }

    /** A row of the profile table: the kind, then forward, backward, update, ms and share. */
    private static String[] row(String out, String kind) {
        String line = out.lines().filter(l -> l.startsWith(kind + " ")).findFirst().orElseThrow(() -> new AssertionError(kind + ":\n" + out));
        return line.substring(kind.length()).strip().split("\\s+");
    }

    /** Index 1 = forward, 2 = backward, 3 = update. */
    private static String[] prepend(String[] cells) {
        String[] out = new String[cells.length + 1];
        out[0] = "";
        System.arraycopy(cells, 0, out, 1, cells.length);
        return out;
    }
}
