package dev.rsr.cli;

import dev.rsr.error.RsrException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code rsr} command: a thin shell over the library, one subcommand per job. */
@Command(name = "rsr", mixinStandardHelpOptions = true, versionProvider = RsrCommand.VersionProvider.class,
        description = "Rapid Synaptic Refinement for the JVM: build, inspect, refine and serve ONNX models.",
        subcommands = {DemoCommand.class, ZooCommand.class, InspectCommand.class, PredictCommand.class,
                PretrainCommand.class, FinetuneCommand.class, ParityCommand.class, DataCommand.class, BenchCommand.class, PluginsCommand.class, CommandLine.HelpCommand.class})
public final class RsrCommand implements Runnable {
    /** Exit code of a failure caused by bad input or a failed computation (usage errors are 2). */
    public static final int EXIT_FAILURE = 1;
    /** Exit code of a bug: an exception RSR did not expect. */
    public static final int EXIT_INTERNAL_ERROR = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

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
        cli.setExecutionExceptionHandler(RsrCommand::handle);
        return cli;
    }

    /** Expected failures print one line naming the culprit; anything else is a bug and prints its stack. */
    private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        String command = "rsr " + cli.getCommandName();
        if (e instanceof RsrException || e instanceof UncheckedIOException) {
            err.println(command + ": error: " + e.getMessage());
            err.flush();
            return EXIT_FAILURE;
        }
        err.println(command + ": internal error (please report): " + e);
        e.printStackTrace(err);
        err.flush();
        return EXIT_INTERNAL_ERROR;
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"rsr " + dev.rsr.ir.Version.CURRENT};
        }
    }
}
