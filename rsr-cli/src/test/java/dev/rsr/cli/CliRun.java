package dev.rsr.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the rsr command in-process and captures what it prints. */
record CliRun(int exitCode, String out, String err) {
    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = RsrCommand.newCommandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** The one error line of a failed run. */
    String errorLine() {
        return err.strip();
    }
}
