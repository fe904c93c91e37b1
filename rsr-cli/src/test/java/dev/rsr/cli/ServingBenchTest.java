package dev.rsr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rsr.ir.TensorData;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code rsr bench serving}: options shared with bench and serve, request bodies in the protocol's datatypes, percentiles. */
class ServingBenchTest {
    private static CommandLine.Model.CommandSpec spec(String... path) {
        CommandLine cli = RsrCommand.newCommandLine();
        for (String name : path) {
            cli = cli.getSubcommands().get(name);
        }
        return cli.getCommandSpec();
    }

    private static Object declaration(CommandLine.Model.CommandSpec spec, String option) {
        return spec.findOption(option).userObject();
    }

    /** Each option the serving benchmark shares is declared once: the same field in each command that takes it. */
    @Test
    void sharedOptionsHaveOneDeclaration() {
        CommandLine.Model.CommandSpec serving = spec("bench", "serving");
        for (String option : List.of("--seconds", "--warmup-seconds")) {
            assertEquals(declaration(spec("bench", "inference"), option), declaration(serving, option), option);
        }
        for (String option : List.of("--max-batch", "--max-wait-ms", "--threads", "--backend", "--optimization")) {
            assertEquals(declaration(spec("serve"), option), declaration(serving, option), option);
        }
        // Each command keeps its own defaults.
        assertEquals("10.0", serving.findOption("--seconds").defaultValueString());
        assertEquals("5.0", spec("bench", "inference").findOption("--seconds").defaultValueString());
    }

    /** Each input goes with the protocol's name for its type, not FP32 for anything but integers. */
    @Test
    void inferBodiesNameEachInputsDatatype() throws Exception {
        Map<String, TensorData> feeds = new LinkedHashMap<>();
        feeds.put("d", TensorData.ofDoubles(new long[] {1, 2}, 0.5, 1e300));
        feeds.put("b", TensorData.ofBools(new long[] {1, 2}, true, false));
        feeds.put("i", TensorData.ofInts(new long[] {1, 1}, 7));
        feeds.put("l", TensorData.ofLongs(new long[] {1, 1}, Long.MAX_VALUE));
        JsonNode inputs = new ObjectMapper().readTree(ServingBench.inferBody(feeds)).get("inputs");
        assertEquals(List.of("FP64", "BOOL", "INT32", "INT64"), List.of(inputs.get(0).get("datatype").asText(),
                inputs.get(1).get("datatype").asText(), inputs.get(2).get("datatype").asText(), inputs.get(3).get("datatype").asText()));
        assertEquals(1e300, inputs.get(0).get("data").get(1).doubleValue());
        assertTrue(inputs.get(1).get("data").get(0).booleanValue());
        assertEquals(Long.MAX_VALUE, inputs.get(3).get("data").get(0).longValue());
        assertEquals("[1,2]", inputs.get(0).get("shape").toString());
    }

    @Test
    void percentilesAreNearestRank() {
        double[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertEquals(5, BenchCommand.percentile(sorted, 0.5));
        assertEquals(9, BenchCommand.percentile(sorted, 0.9));
        assertEquals(10, BenchCommand.percentile(sorted, 0.99));
        assertEquals(1, BenchCommand.percentile(sorted, 0));
        assertTrue(Double.isNaN(BenchCommand.percentile(new double[0], 0.5)));
    }
}
