package dev.rsr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsr.onnx.OnnxFormat;
import dev.rsr.zoo.TextClassifier;
import dev.rsr.zoo.TextEncoder;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Hostile input, generated from the commands themselves rather than listed: every path option of
 * every command is pointed at a directory, a missing file, a FIFO, a place that cannot be written
 * and another option's file; every numeric option gets 0, -1, huge values and NaN; every kind of
 * file RSR reads (models, checkpoints, tokenizers, data, configurations) is truncated and
 * bit-flipped. Each case checks the exit code, one error line naming the culprit, no stack trace,
 * no file changed that the command should not change, and no temporary file left.
 */
class HostileInputTest {
    @TempDir
    static Path dir;

    /** Inputs every base invocation reads; they must never change. */
    static Path fixtures;
    /** Where outputs go. */
    static Path outputs;

    /**
     * One valid invocation per command, naming every path option the command has, so that a
     * case can break exactly one option and expect the error to name it.
     */
    static final Map<String, List<String>> BASE = new LinkedHashMap<>();

    @BeforeAll
    static void fixtures() throws Exception {
        fixtures = Files.createDirectories(dir.resolve("in"));
        outputs = Files.createDirectories(dir.resolve("out"));
        FinetuneCommandTest.writeTask(fixtures.resolve("train.tsv"), 40, 1);
        FinetuneCommandTest.writeTask(fixtures.resolve("eval.tsv"), 20, 2);
        Files.writeString(fixtures.resolve("method.json"), "{\"method\": \"full\"}");
        Files.writeString(fixtures.resolve("corpus.txt"), "the cat sat on the mat\na dog ran in the park\nthe sun is warm today\n");
        Files.createDirectories(fixtures.resolve("plugins"));
        Files.createDirectories(fixtures.resolve("wordnet"));
        Files.createDirectories(fixtures.resolve("fortunes"));
        Files.write(fixtures.resolve("classifier.onnx"), OnnxFormat.toBytes(new TextClassifier(100, 16, 1, 2, 32, 16, 2, 1).build()));
        Files.write(fixtures.resolve("mlp.onnx"), OnnxFormat.toBytes(dev.rsr.zoo.Mlp.defaults().build()));
        Files.writeString(fixtures.resolve("input.jsonl"), "{\"input_ids\": [1, 2, 3], \"attention_mask\": [1, 1, 1]}\n");
        byte[] tokenizer = dev.rsr.huggingface.PretrainedModels.class.getClassLoader()
                .getResourceAsStream("all-minilm-l6-v2-tokenizer.json").readAllBytes();
        Files.write(fixtures.resolve("tokenizer.json"), tokenizer);
        Files.write(fixtures.resolve("encoder.onnx"), OnnxFormat.toBytes(new TextEncoder(30522, 16, 1, 2, 32, 32, 1).build()));

        String in = fixtures + "/";
        String out = outputs + "/";
        BASE.put("zoo", List.of("zoo", "--model", "mlp", "--out", out + "zoo.onnx"));
        BASE.put("inspect", List.of("inspect", in + "mlp.onnx"));
        BASE.put("predict", List.of("predict", "--model", in + "classifier.onnx", "--input", in + "input.jsonl",
                "--output", out + "predictions.jsonl"));
        BASE.put("parity", List.of("parity", "--model", in + "mlp.onnx", "--samples", "1"));
        BASE.put("finetune", List.of("finetune", "--model", in + "encoder.onnx", "--tokenizer", in + "tokenizer.json",
                "--train", in + "train.tsv", "--eval", in + "eval.tsv", "--config", in + "method.json", "--out", out + "refined.onnx",
                "--metrics", out + "metrics.json", "--max-steps", "1", "--threads", "1", "--plugins", in + "plugins"));
        BASE.put("bench", List.of("bench", "--zoo", "text-classifier", "--train", in + "train.tsv", "--eval", in + "eval.tsv",
                "--config", in + "method.json", "--out", out + "bench", "--methods", "full", "--max-steps", "1", "--dim", "16",
                "--layers", "1", "--heads", "2", "--plugins", in + "plugins"));
        BASE.put("bench inference", List.of("bench", "inference", "--model", in + "mlp.onnx", "--seconds", "0.1",
                "--warmup-seconds", "0"));
        BASE.put("bench training", List.of("bench", "training", "--model", in + "classifier.onnx", "--steps", "1"));
        BASE.put("pretrain", List.of("pretrain", "--corpus", in + "corpus.txt", "--out", out + "encoder.onnx", "--checkpoint",
                out + "encoder.ckpt", "--max-steps", "1", "--vocab", "64", "--dim", "16", "--layers", "1", "--heads", "2",
                "--wordnet-dir", in + "wordnet", "--fortunes-dir", in + "fortunes", "--plugins", in + "plugins"));
        BASE.put("data export", List.of("data", "export", "--source", "synthetic:agreement", "--size", "20", "--out", out + "data",
                "--wordnet-dir", in + "wordnet", "--fortunes-dir", in + "fortunes"));
        BASE.put("demo", List.of("demo", "--dir", out + "demo", "--steps", "1"));
        BASE.put("plugins", List.of("plugins", "--plugins", in + "plugins"));
        Files.createDirectories(fixtures.resolve("suite/case"));
        Files.copy(fixtures.resolve("mlp.onnx"), fixtures.resolve("suite/case/model.onnx"));
        BASE.put("conformance", List.of("conformance", "--suite", in + "suite", "--backend", "onnxruntime", "--json",
                out + "conformance.json"));
        ReportCommandTest.writeBench(Files.createDirectories(fixtures.resolve("bench")));
        BASE.put("report", List.of("report", in + "bench", "--out", out + "report"));
        // Only ever run with a bad option (numbers out of range, bad paths): a valid one would serve until stopped.
        BASE.put("serve", List.of("serve", "--model", in + "classifier.onnx", "--port", "0"));
        BASE.put("bench serving", List.of("bench", "serving", "--model", in + "classifier.onnx", "--seconds", "0.1",
                "--warmup-seconds", "0", "--clients", "1", "--examples", "8", "--sequence", "4"));
    }

    // ------------------------------------------------------------------ every option is covered

    /** Every option of every command, with the field that declares it. */
    record Declared(String command, ArgSpec arg, Field field) {
        String name() {
            return OptionChecks.name(arg);
        }
    }

    static List<Declared> declared() {
        List<Declared> all = new ArrayList<>();
        collect(RsrCommand.newCommandLine(), all);
        return all;
    }

    private static void collect(CommandLine cli, List<Declared> all) {
        String path = cli.getCommandSpec().qualifiedName(" ").replaceFirst("^rsr ?", "");
        for (ArgSpec arg : cli.getCommandSpec().args()) {
            if (arg.userObject() instanceof Field f && !(arg instanceof OptionSpec o && (o.usageHelp() || o.versionHelp()))) {
                all.add(new Declared(path, arg, f));
            }
        }
        cli.getSubcommands().values().stream().filter(c -> !c.getCommandName().equals("help")).forEach(c -> collect(c, all));
    }

    private static boolean numeric(Field f) {
        Class<?> t = f.getType();
        if (List.class.isAssignableFrom(t) || Map.class.isAssignableFrom(t)) {
            String generic = f.getGenericType().getTypeName();
            return generic.contains("Integer") || generic.contains("Double") || generic.contains("Long");
        }
        return t == int.class || t == long.class || t == double.class || t == float.class || Number.class.isAssignableFrom(t);
    }

    @Test
    void everyPathOptionHasARoleAndEveryNumberARange() {
        List<String> missing = new ArrayList<>();
        for (Declared d : declared()) {
            if (d.field().getType() == Path.class && d.field().getAnnotation(PathRole.class) == null) {
                missing.add(d.command() + " " + d.name() + " (path without @PathRole)");
            }
            if (numeric(d.field()) && d.field().getAnnotation(Range.class) == null) {
                missing.add(d.command() + " " + d.name() + " (number without @Range)");
            }
        }
        assertEquals(List.of(), missing);
    }

    /** Each path field is exercised through at least one command (a mixin's field once, through any command that has it). */
    @Test
    void everyPathOptionAppearsInABaseInvocation() {
        List<Declared> paths = declared().stream().filter(d -> d.field().getAnnotation(PathRole.class) != null).toList();
        List<String> uncovered = paths.stream()
                .filter(d -> paths.stream().noneMatch(o -> o.field().equals(d.field()) && covered(o)))
                .map(d -> d.command() + " " + d.name()).distinct().toList();
        assertEquals(List.of(), uncovered);
    }

    private static boolean covered(Declared d) {
        List<String> base = BASE.get(d.command());
        return base != null && (!(d.arg() instanceof OptionSpec) || base.contains(d.name()));
    }

    // ------------------------------------------------------------------ paths

    @TestFactory
    Stream<DynamicTest> everyPathOptionRefusesWhatItCannotUse() throws IOException, InterruptedException {
        Path aDirectory = Files.createDirectories(dir.resolve("a-directory"));
        Path aFile = Files.writeString(dir.resolve("a-file.txt"), "not a directory");
        Path fifo = dir.resolve("a-fifo");
        boolean hasFifo = new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor(5, java.util.concurrent.TimeUnit.SECONDS)
                && Files.exists(fifo);
        org.junit.jupiter.api.Assumptions.assumeTrue(hasFifo, "mkfifo is needed for the FIFO cases");
        // A directory we may not write in; root may write anywhere, so only for other users.
        Path readOnly = Files.createDirectories(dir.resolve("read-only"));
        boolean canDenyWrites = readOnly.toFile().setWritable(false, false) && !Files.isWritable(readOnly);
        Path dangling = dir.resolve("dangling-link");
        Files.createSymbolicLink(dangling, dir.resolve("nowhere"));
        Path linkToDirectory = dir.resolve("link-to-directory");
        Files.createSymbolicLink(linkToDirectory, aDirectory);

        List<DynamicTest> cases = new ArrayList<>();
        for (Declared d : declared()) {
            PathRole role = d.field().getAnnotation(PathRole.class);
            List<String> base = BASE.get(d.command());
            if (role == null || !covered(d)) {
                continue;
            }
            Map<String, String> variants = new LinkedHashMap<>();
            switch (role.value()) {
                case INPUT_FILE -> {
                    variants.put("a directory", aDirectory.toString());
                    variants.put("a missing file", dir.resolve("missing.file").toString());
                    variants.put("a dangling link", dangling.toString());
                    variants.put("a FIFO", fifo.toString());
                }
                case INPUT_DIR -> {
                    variants.put("a missing directory", dir.resolve("missing-dir").toString());
                    variants.put("a regular file", aFile.toString());
                    variants.put("a FIFO", fifo.toString());
                }
                case OUTPUT_FILE -> {
                    variants.put("a directory", aDirectory.toString());
                    variants.put("a link to a directory", linkToDirectory.toString());
                    variants.put("a place under a regular file", aFile.resolve("x.out").toString());
                    variants.put("a device", "/dev/null");
                    variants.put("a FIFO", fifo.toString());
                    if (canDenyWrites) {
                        variants.put("a read-only directory", readOnly.resolve("x.out").toString());
                    }
                    otherPaths(base, d.name()).forEach((option, path) -> variants.put("the path of " + option, path));
                }
                case OUTPUT_DIR -> {
                    variants.put("a regular file", aFile.toString());
                    variants.put("a place under a regular file", aFile.resolve("sub").toString());
                    variants.put("a FIFO", fifo.toString());
                    if (canDenyWrites) {
                        variants.put("a read-only directory", readOnly.toString());
                    }
                }
            }
            variants.forEach((what, value) -> cases.add(DynamicTest.dynamicTest(d.command() + " " + d.name() + " = " + what,
                    () -> assertRefused(replace(base, d.name(), value), 1, d.name()))));
        }
        return cases.stream();
    }

    /** The command's other path options in its base invocation, with their values. */
    private static Map<String, String> otherPaths(List<String> base, String except) {
        Map<String, String> others = new TreeMap<>();
        for (int i = 0; i + 1 < base.size(); i++) {
            String option = base.get(i);
            if (option.startsWith("--") && !option.equals(except) && base.get(i + 1).startsWith(dir.toString())
                    && !Files.isDirectory(Path.of(base.get(i + 1)))) {
                others.put(option, base.get(i + 1));
            }
        }
        return others;
    }

    private static List<String> replace(List<String> base, String option, String value) {
        List<String> args = new ArrayList<>(base);
        int at = args.indexOf(option);
        if (at < 0) {
            // A positional parameter: the first argument that is a path under the fixtures.
            at = 0;
            while (!args.get(at).startsWith(fixtures.toString())) {
                at++;
            }
            args.set(at, value);
        } else {
            args.set(at + 1, value);
        }
        return args;
    }

    @Test
    void anOutputThatIsASymbolicLinkIsWrittenThrough() throws Exception {
        Path target = outputs.resolve("linked-target.onnx");
        Files.writeString(target, "old content");
        Path link = outputs.resolve("link.onnx");
        Files.createSymbolicLink(link, target);
        CliRun run = CliRun.of("zoo", "--model", "mlp", "--out", link.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(Files.isSymbolicLink(link), "the link was replaced by a file");
        assertNotNull(OnnxFormat.read(target), "the link's target holds the model");
        assertNoTempFiles();
    }

    /** Files a command writes by default, beside a named output, obey the same policy. */
    @Test
    void derivedDefaultOutputsAreHeldToThePolicy() throws IOException {
        String in = fixtures + "/";
        Path model = outputs.resolve("derived.onnx");
        Files.createDirectories(outputs.resolve("derived.onnx.metrics.json"));
        assertRefused(List.of("finetune", "--zoo", "text-classifier", "--train", in + "train.tsv", "--eval", in + "eval.tsv",
                "--out", model.toString(), "--max-steps", "1"), 1, "--metrics (default)");
        Path corpus = Files.copy(fixtures.resolve("corpus.txt"), outputs.resolve("enc.onnx.ckpt"));
        assertRefused(List.of("pretrain", "--corpus", corpus.toString(), "--out", outputs.resolve("enc.onnx").toString(),
                "--max-steps", "1"), 1, "--checkpoint (default)");
    }

    // ------------------------------------------------------------------ numbers

    @TestFactory
    Stream<DynamicTest> everyNumericOptionRefusesValuesOutsideItsRange() {
        List<DynamicTest> cases = new ArrayList<>();
        for (Declared d : declared()) {
            Range range = d.field().getAnnotation(Range.class);
            List<String> base = BASE.get(d.command());
            if (range == null || base == null || !(d.arg() instanceof OptionSpec)) {
                continue;
            }
            boolean integral = !d.field().getGenericType().getTypeName().matches(".*(double|Double|float|Float).*");
            for (String value : List.of("0", "-1", "99999999999", "1e300", "NaN", "-Infinity", String.valueOf((long) range.max() + 1))) {
                double parsed = Double.parseDouble(value);
                boolean representable = !integral || value.matches("-?\\d+") && Math.abs(parsed) <= Integer.MAX_VALUE
                        || d.field().getType() == long.class && value.matches("-?\\d+");
                if (representable && Double.isFinite(parsed) && parsed >= range.min() && parsed <= range.max()) {
                    continue; // a valid value: running the whole job is not this test's business
                }
                String option = d.name();
                String given = d.field().getType() == java.util.Map.class ? "head=" + value : value;
                List<String> args = new ArrayList<>(base);
                int at = args.indexOf(option);
                if (at >= 0) {
                    args.set(at + 1, given);
                } else {
                    args.add(option);
                    args.add(given);
                }
                cases.add(DynamicTest.dynamicTest(d.command() + " " + option + " " + given, () -> assertRefused(args, 2, option)));
            }
        }
        return cases.stream();
    }

    // ------------------------------------------------------------------ damaged files

    @TestFactory
    Stream<DynamicTest> damagedFilesOfEveryKindGiveOneLineErrors() throws Exception {
        String in = fixtures + "/";
        String out = outputs + "/";
        // A checkpoint worth damaging: one pretraining run writes it.
        Path checkpoint = fixtures.resolve("encoder.ckpt");
        CliRun made = CliRun.of("pretrain", "--corpus", in + "corpus.txt", "--out", out + "made.onnx", "--checkpoint", checkpoint.toString(),
                "--max-steps", "2", "--checkpoint-every", "1", "--vocab", "64", "--dim", "16", "--layers", "1", "--heads", "2", "--threads", "1");
        assertEquals(0, made.exitCode(), made.err());
        Map<String, Consumer<Path>> kinds = new LinkedHashMap<>();
        kinds.put("model (inspect)", f -> assertTolerated(List.of("inspect", f.toString()), f));
        kinds.put("model (predict)", f -> assertTolerated(List.of("predict", "--model", f.toString(), "--input", in + "input.jsonl",
                "--output", out + "damaged-model.jsonl"), f));
        kinds.put("checkpoint", f -> assertRefused(List.of("pretrain", "--corpus", in + "corpus.txt", "--out", out + "resumed.onnx",
                "--checkpoint", f.toString(), "--resume", "--max-steps", "3", "--vocab", "64", "--dim", "16", "--layers", "1",
                "--heads", "2", "--threads", "1"), 1, f.getFileName().toString()));
        kinds.put("tokenizer", f -> assertTolerated(List.of("finetune", "--model", in + "encoder.onnx", "--tokenizer", f.toString(),
                "--train", in + "train.tsv", "--eval", in + "eval.tsv", "--out", out + "tok.onnx", "--max-steps", "1", "--threads", "1"), f));
        kinds.put("training data", f -> assertTolerated(List.of("finetune", "--zoo", "text-classifier", "--train", f.toString(),
                "--format", "tsv", "--eval", in + "eval.tsv", "--out", out + "data.onnx", "--max-steps", "1", "--dim", "16", "--layers", "1",
                "--heads", "2", "--threads", "1"), f));
        kinds.put("predict input", f -> assertTolerated(List.of("predict", "--model", in + "classifier.onnx", "--input", f.toString(),
                "--output", out + "damaged-input.jsonl"), f));
        kinds.put("configuration", f -> assertTolerated(List.of("finetune", "--zoo", "text-classifier", "--train", in + "train.tsv",
                "--eval", in + "eval.tsv", "--config", f.toString(), "--out", out + "cfg.onnx", "--max-steps", "1", "--dim", "16",
                "--layers", "1", "--heads", "2", "--threads", "1"), f));
        Map<String, Path> sources = Map.of("model (inspect)", fixtures.resolve("classifier.onnx"), "model (predict)",
                fixtures.resolve("classifier.onnx"), "checkpoint", checkpoint, "tokenizer", fixtures.resolve("tokenizer.json"),
                "training data", fixtures.resolve("train.tsv"), "predict input", fixtures.resolve("input.jsonl"), "configuration",
                fixtures.resolve("method.json"));
        Path damaged = Files.createDirectories(dir.resolve("damaged"));
        List<DynamicTest> cases = new ArrayList<>();
        kinds.forEach((kind, check) -> {
            byte[] good;
            try {
                good = Files.readAllBytes(sources.get(kind));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            Random random = new Random(kind.hashCode());
            for (int cut : new int[] {0, 1, good.length / 2, good.length - 1}) {
                cases.add(damagedCase(kind + " truncated to " + cut + " bytes", damaged, Arrays.copyOf(good, cut), sources.get(kind), check));
            }
            for (int flip = 0; flip < 6; flip++) {
                byte[] bytes = good.clone();
                int at = random.nextInt(bytes.length);
                bytes[at] ^= (byte) (1 << random.nextInt(8));
                cases.add(damagedCase(kind + " with bit " + at + " flipped", damaged, bytes, sources.get(kind), check));
            }
        });
        return cases.stream();
    }

    private static DynamicTest damagedCase(String name, Path damagedDir, byte[] bytes, Path source, Consumer<Path> check) {
        return DynamicTest.dynamicTest(name, () -> {
            Path file = damagedDir.resolve(source.getFileName());
            Files.write(file, bytes);
            check.accept(file);
        });
    }

    // ------------------------------------------------------------------ the checks

    /** The command fails with {@code exitCode}, one line naming {@code culprit}, no stack trace, nothing changed or left. */
    private static void assertRefused(List<String> args, int exitCode, String culprit) {
        Map<Path, String> before = snapshot();
        CliRun run = CliRun.of(args.toArray(String[]::new));
        String context = String.join(" ", args) + "\n" + run.err();
        assertEquals(exitCode, run.exitCode(), context);
        assertOneCleanLine(run, context);
        // Progress lines may come first (a pretraining run reports its corpus); the error is one line.
        assertEquals(1, run.err().lines().filter(l -> l.contains("error")).count(), "one error line: " + context);
        assertTrue(run.errorLine().contains(culprit), "'" + culprit + "' not named in: " + context);
        assertEquals(before, snapshot(), "files changed: " + context);
        assertNoTempFiles();
    }

    /** A damaged file may still be usable (exit 0); if not, one clean line naming it (exit 1). Never an internal error. */
    private static void assertTolerated(List<String> args, Path damaged) {
        Map<Path, String> before = snapshot();
        CliRun run = CliRun.of(args.toArray(String[]::new));
        String context = String.join(" ", args) + "\n" + run.err();
        assertTrue(run.exitCode() == 0 || run.exitCode() == 1, "exit " + run.exitCode() + ": " + context);
        if (run.exitCode() == 1) {
            assertOneCleanLine(run, context);
            assertEquals(before, snapshot(), "a failed run changed files: " + context);
        }
        assertNoTempFiles();
    }

    private static void assertOneCleanLine(CliRun run, String context) {
        String line = run.errorLine();
        String last = line.substring(line.lastIndexOf('\n') + 1);
        assertFalse(last.contains("internal error"), context);
        assertFalse(run.err().contains("\tat "), "stack trace: " + context);
        assertTrue(last.startsWith("rsr "), "the error line names the command: " + context);
    }

    private static void assertNoTempFiles() {
        try (Stream<Path> all = Files.walk(dir)) {
            List<Path> temps = all.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
            assertEquals(List.of(), temps, "temporary files left behind");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Every regular file under the test directory with its content digest. */
    private static Map<Path, String> snapshot() {
        Map<Path, String> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).toList()) {
                files.put(p, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return files;
    }
}
