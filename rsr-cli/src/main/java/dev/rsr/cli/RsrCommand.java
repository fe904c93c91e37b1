package dev.rsr.cli;

import dev.rsr.error.RsrException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code rsr} command: a thin shell over the library, one subcommand per job. */
@Command(name = "rsr", mixinStandardHelpOptions = true, versionProvider = RsrCommand.VersionProvider.class,
        description = "Rapid Synaptic Refinement for the JVM: build, inspect, refine and serve ONNX models.",
        subcommands = {DemoCommand.class, ZooCommand.class, InspectCommand.class, PredictCommand.class, ServeCommand.class,
                PretrainCommand.class, FinetuneCommand.class, ParityCommand.class, ConformanceCommand.class, DataCommand.class, BenchCommand.class, ReportCommand.class, PluginsCommand.class, CommandLine.HelpCommand.class})
public final class RsrCommand implements Runnable {
    /** Exit code of a failure caused by bad input or a failed computation (usage errors are 2). */
    public static final int EXIT_FAILURE = 1;
    /** Exit code of a bug: an exception RSR did not expect. */
    public static final int EXIT_INTERNAL_ERROR = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    // Declared here, inherited by every subcommand; handle() reads it from the parse result, since
    // an error can arise in a subcommand whose own copy of the option is the one that was matched.
    @CommandLine.Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "On an internal error, print its stack trace.")
    boolean verbose;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    /** The configured command line; tests call {@code execute} on it in-process. */
    public static CommandLine newCommandLine() {
        CommandLine cli = new CommandLine(new RsrCommand());
        cli.setCaseInsensitiveEnumValuesAllowed(true); // --format tsv as well as TSV
        cli.setExecutionStrategy(RsrCommand::checkThenRun);
        cli.setParameterExceptionHandler(RsrCommand::usageError);
        cli.setExecutionExceptionHandler(RsrCommand::handle);
        return cli;
    }

    /** Every command's options pass {@link OptionChecks} before the command runs. */
    private static int checkThenRun(CommandLine.ParseResult parsed) {
        boolean helpOnly = parsed.asCommandLineList().stream()
                .anyMatch(c -> c.isUsageHelpRequested() || c.isVersionHelpRequested());
        if (!helpOnly) {
            try {
                OptionChecks.check(parsed);
            } catch (RuntimeException e) {
                if (e instanceof CommandLine.ParameterException usage) {
                    throw usage;
                }
                CommandLine last = parsed.asCommandLineList().get(parsed.asCommandLineList().size() - 1);
                return handle(e, last, parsed);
            }
        }
        return new CommandLine.RunLast().execute(parsed);
    }

    /** A usage error is one line naming the option, and where to read more; not the whole help. */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cli = e.getCommandLine();
        PrintWriter err = cli.getErr();
        String command = commandPath(cli);
        err.println(command + ": usage error: " + oneLine(e.getMessage()) + " (see " + command + " --help)");
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.flush();
        return cli.getCommandSpec().exitCodeOnInvalidInput();
    }

    /**
     * Expected failures print one line naming the culprit. Anything else is a bug: one line saying
     * so, and its stack trace only with {@code --verbose}.
     */
    private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        String command = commandPath(cli);
        if (e instanceof RsrException || e instanceof UncheckedIOException) {
            err.println(command + ": error: " + oneLine(e.getMessage()));
            err.flush();
            return EXIT_FAILURE;
        }
        if (e instanceof java.io.IOException io) {
            // The file system failed (disk full, permissions): its file, if it names one, and the reason.
            String file = io instanceof java.nio.file.FileSystemException fs && fs.getFile() != null ? fs.getFile() + ": " : "";
            err.println(command + ": error: " + file + oneLine(dev.rsr.io.IoErrors.reason(io)));
            err.flush();
            return EXIT_FAILURE;
        }
        boolean verbose = parsed.asCommandLineList().stream()
                .anyMatch(c -> c.getParseResult() != null && c.getParseResult().hasMatchedOption("--verbose"));
        err.println(command + ": internal error (please report" + (verbose ? "" : "; --verbose prints the stack trace")
                + "): " + oneLine(String.valueOf(e)));
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return EXIT_INTERNAL_ERROR;
    }

    private static String commandPath(CommandLine cli) {
        return cli.getCommandSpec().qualifiedName(" ");
    }

    /** Messages from libraries may span lines; the error stays one line. */
    private static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " | ");
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"rsr " + dev.rsr.ir.Version.CURRENT};
        }
    }
}
