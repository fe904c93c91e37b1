package dev.rsr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
