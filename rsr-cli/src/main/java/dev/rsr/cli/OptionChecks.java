package dev.rsr.cli;

import dev.rsr.error.DataException;
import dev.rsr.io.AtomicFiles;
import dev.rsr.io.IoErrors;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The one validation of every command's options, run after parsing and before the command:
 * numeric ranges ({@link Range}) and the path policy ({@link PathRole}). A bad number is a usage
 * error ({@link CommandLine.ParameterException}); a bad path is a {@link DataException} naming the
 * option and the file.
 */
final class OptionChecks {
    private OptionChecks() {
    }

    /** A path option as given: its name, role and value. */
    record PathArg(String option, PathRole.Kind kind, Path path) {
        boolean output() {
            return kind == PathRole.Kind.OUTPUT_FILE || kind == PathRole.Kind.OUTPUT_DIR;
        }
    }

    static void check(CommandLine.ParseResult parsed) {
        List<PathArg> paths = new ArrayList<>();
        List<CommandLine> chain = parsed.asCommandLineList();
        for (CommandLine cli : chain) {
            CommandLine.ParseResult own = cli.getParseResult();
            for (ArgSpec arg : cli.getCommandSpec().args()) {
                Field field = arg.userObject() instanceof Field f ? f : null;
                if (field == null) {
                    continue;
                }
                checkRange(cli, arg, field);
                PathRole role = field.getAnnotation(PathRole.class);
                // Only paths given on the command line: a default directory the command does not use need not exist.
                if (role != null && given(own, arg)) {
                    Object value = arg.getValue();
                    Collection<?> values = value instanceof Collection<?> many ? many : List.of(value);
                    values.stream().filter(Path.class::isInstance).forEach(p -> paths.add(new PathArg(name(arg), role.value(), (Path) p)));
                }
            }
        }
        if (chain.get(chain.size() - 1).getCommand() instanceof DerivedOutputs derived) {
            derived.derivedOutputs().forEach((label, path) -> paths.add(new PathArg(label, PathRole.Kind.OUTPUT_FILE, path)));
        }
        for (PathArg p : paths) {
            checkPath(p);
        }
        checkCollisions(paths);
    }

    private static boolean given(CommandLine.ParseResult own, ArgSpec arg) {
        if (own == null) {
            return false;
        }
        return arg instanceof OptionSpec o ? own.hasMatchedOption(o)
                : own.hasMatchedPositional((CommandLine.Model.PositionalParamSpec) arg);
    }

    static String name(ArgSpec arg) {
        return arg instanceof OptionSpec o ? o.longestName() : arg.paramLabel();
    }

    private static void checkRange(CommandLine cli, ArgSpec arg, Field field) {
        Object value = arg.getValue();
        Collection<?> values = value instanceof Collection<?> c ? c
                : value instanceof Map<?, ?> m ? m.values() : value == null ? List.of() : List.of(value);
        Range range = field.getAnnotation(Range.class);
        for (Object v : values) {
            if (!(v instanceof Number n)) {
                continue;
            }
            double d = n.doubleValue();
            if (!Double.isFinite(d)) {
                throw new CommandLine.ParameterException(cli, name(arg) + " must be a finite number, got " + v);
            }
            if (range != null && (d < range.min() || d > range.max())) {
                throw new CommandLine.ParameterException(cli, name(arg) + " must be " + describe(range, n) + ", got " + v
                        + (range.note().isEmpty() ? "" : " (" + range.note() + ")"));
            }
        }
    }

    private static String describe(Range range, Number example) {
        boolean integral = !(example instanceof Double || example instanceof Float);
        if (range.min() == Double.MIN_VALUE) {
            return "greater than 0 and at most " + (integral ? String.valueOf((long) range.max()) : String.valueOf(range.max()));
        }
        String min = integral ? String.valueOf((long) range.min()) : String.valueOf(range.min());
        String max = integral ? String.valueOf((long) range.max()) : String.valueOf(range.max());
        return "between " + min + " and " + max;
    }

    private static void checkPath(PathArg p) {
        Path path = p.path();
        String prefix = p.option() + " " + path + ": ";
        switch (p.kind()) {
            case INPUT_FILE -> {
                try {
                    IoErrors.requireReadableFile(path);
                } catch (DataException e) {
                    throw new DataException(p.option() + " " + e.getMessage());
                }
            }
            case INPUT_DIR -> {
                if (!Files.exists(path)) {
                    throw new DataException(prefix + "no such directory");
                }
                if (!Files.isDirectory(path)) {
                    throw new DataException(prefix + "not a directory (it is " + IoErrors.kind(path) + ")");
                }
                if (!Files.isReadable(path)) {
                    throw new DataException(prefix + "permission denied");
                }
            }
            case OUTPUT_FILE -> {
                Path destination;
                try {
                    destination = AtomicFiles.destination(path);
                } catch (DataException e) {
                    throw new DataException(p.option() + " " + e.getMessage());
                }
                requireUsableParent(prefix, destination.getParent());
            }
            case OUTPUT_DIR -> {
                if (Files.exists(path) && !Files.isDirectory(path)) {
                    throw new DataException(prefix + "not a directory (it is " + IoErrors.kind(path) + ")");
                }
                // The directory itself if it exists (a read-only one must fail now, not after the job).
                requireUsableParent(prefix, path.toAbsolutePath());
            }
        }
    }

    /** The nearest existing of {@code dir} and its ancestors must be a directory we may write in; the OS's reason otherwise. */
    private static void requireUsableParent(String prefix, Path dir) {
        Path existing = nearestExisting(dir, LinkOption.NOFOLLOW_LINKS);
        if (existing == null) {
            return;
        }
        if (!Files.isDirectory(existing)) {
            throw new DataException(prefix + "cannot write there: " + existing + " is " + IoErrors.kind(existing)
                    + ", not a directory");
        }
        if (!Files.isWritable(existing)) {
            throw new DataException(prefix + "cannot write there: permission denied in " + existing);
        }
    }

    /** An output must not be one of the command's inputs, nor another of its outputs. */
    private static void checkCollisions(List<PathArg> paths) {
        for (int i = 0; i < paths.size(); i++) {
            PathArg a = paths.get(i);
            if (!a.output()) {
                continue;
            }
            for (int j = 0; j < paths.size(); j++) {
                PathArg b = paths.get(j);
                if (i == j || b.output() && j < i) {
                    continue;
                }
                if (sameFile(a.path(), b.path())) {
                    throw new DataException(a.option() + " " + a.path() + " is also " + (b.output() ? "the output " : "the input ")
                            + b.option() + (b.output() ? "; give each output its own file" : "; refusing to overwrite an input"));
                }
            }
        }
    }

    /** {@code path} or its nearest ancestor that exists (with {@code NOFOLLOW_LINKS}, a dangling link counts), or null. */
    private static Path nearestExisting(Path path, LinkOption... options) {
        Path existing = path.toAbsolutePath();
        while (existing != null && !Files.exists(existing, options)) {
            existing = existing.getParent();
        }
        return existing;
    }

    /** Same file, through links and relative spellings; also for files that do not exist yet. */
    static boolean sameFile(Path a, Path b) {
        return identity(a).equals(identity(b));
    }

    /**
     * The real path of {@code p}, through every symbolic link: of the file if it exists, else of
     * its nearest existing ancestor with the rest appended ({@code ..} is never folded as text,
     * since a link before it would change what it means).
     */
    private static Path identity(Path p) {
        Path absolute = p.toAbsolutePath();
        Path existing = nearestExisting(absolute);
        if (existing == null) {
            return absolute.normalize();
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(absolute)).normalize();
        } catch (java.io.IOException e) {
            // Fall back to the spelled path; the command's own open reports the real problem.
            return absolute.normalize();
        }
    }
}
