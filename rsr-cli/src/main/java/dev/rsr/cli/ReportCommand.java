package dev.rsr.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Draws the report of a methods bench from what it saved: report.html and PNG charts (learning curves, "
                + "modules active, pheromone, mask density, learning rates) from DIR/bench.json and its metrics files.",
                "rsr bench --report draws the same report right after the bench."})
final class ReportCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @PathRole(PathRole.Kind.INPUT_DIR)
    @Parameters(index = "0", paramLabel = "DIR", description = "A directory written by rsr bench --out: bench.json and one metrics file per run.")
    Path dir;

    @PathRole(PathRole.Kind.OUTPUT_DIR)
    @Option(names = "--out", paramLabel = "DIR", description = "Where to write report.html and its charts (default: the bench directory).")
    Path out;

    @Override
    public Integer call() {
        HtmlReport.Bench bench = HtmlReport.load(dir);
        List<Path> written = HtmlReport.write(bench, out == null ? dir : out, null);
        var err = spec.commandLine().getErr();
        err.printf("wrote %s and %d charts%n", written.get(written.size() - 1), written.size() - 1);
        err.flush();
        return 0;
    }
}
