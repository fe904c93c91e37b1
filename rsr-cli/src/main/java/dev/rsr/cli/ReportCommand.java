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
                "Several DIRs (one bench per task) give one report with a table across the tasks and a section per task.",
                "rsr bench --report draws the report of one bench right after it."})
final class ReportCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @PathRole(PathRole.Kind.INPUT_DIR)
    @Parameters(arity = "1..*", paramLabel = "DIR", description = "Directories written by rsr bench --out: bench.json and one metrics "
            + "file per run.")
    List<Path> dirs;

    @PathRole(PathRole.Kind.OUTPUT_DIR)
    @Option(names = "--out", paramLabel = "DIR", description = "Where to write report.html and its charts (default: the bench "
            + "directory; required with several).")
    Path out;

    @Override
    public Integer call() {
        if (out == null && dirs.size() > 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--out is required with several bench directories");
        }
        List<HtmlReport.Bench> benches = dirs.stream().map(HtmlReport::load).toList();
        List<Path> written = HtmlReport.write(benches, out == null ? dirs.get(0) : out);
        var err = spec.commandLine().getErr();
        err.printf("wrote %s and %d charts%n", written.get(written.size() - 1), written.size() - 1);
        err.flush();
        return 0;
    }
}
