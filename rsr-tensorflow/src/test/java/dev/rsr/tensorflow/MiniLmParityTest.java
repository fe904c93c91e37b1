package dev.rsr.tensorflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.TensorData;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A real third-party model: all-MiniLM-L6-v2 as PyTorch exported it (IR 6, opset 11, shapes
 * computed at run time, layer norm spelled out in primitive ops) compiles into TensorFlow and
 * matches ONNX Runtime on real token ids.
 */
@Tag("slow")
class MiniLmParityTest {
    @Test
    void compilesAndMatchesOnnxRuntimeOnRealSentences() {
        ModelGraph model = MiniLm.model();
        assertEquals(Map.of(), new TensorFlowTrainingBackend().unsupportedOps(model));
        assertEquals(102, model.graph().initializers().size(), "all-MiniLM-L6-v2 has 102 initializers");
        String[][] batches = {
            {"Hello world."},
            {"The cat sat on the mat.", "Transformers compute contextual embeddings for every token in a sentence.",
                "RSR refines only the connections that matter."},
            {"A short one.", "WordNet groups English words into sets of cognitive synonyms, each expressing a distinct concept; "
                + "synsets are interlinked by means of conceptual-semantic and lexical relations, and the resulting network "
                + "of meaningfully related words and concepts can be navigated with a browser."},
        };
        for (String[] sentences : batches) {
            Map<String, TensorData> feeds = MiniLm.batch(sentences);
            double d = Parity.maxAbsDiff(model, feeds);
            System.out.printf("all-MiniLM-L6-v2, %d sentences x %d tokens: max abs difference %.3g%n", sentences.length, feeds.get("input_ids").dim(1), d);
            assertTrue(d <= 1e-4, sentences.length + " sentences of up to " + feeds.get("input_ids").dim(1)
                    + " tokens: max abs difference " + d);
        }
    }
}
