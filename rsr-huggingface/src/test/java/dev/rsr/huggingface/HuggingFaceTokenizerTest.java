package dev.rsr.huggingface;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsr.engine.TextTask;
import dev.rsr.error.ModelException;
import dev.rsr.ir.ModelGraph;
import dev.rsr.spi.Tokenizer;
import dev.rsr.text.Tokenizers;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HuggingFaceTokenizerTest {
    private static final String JSON = new String(PretrainedModels.resource("all-minilm-l6-v2-tokenizer.json"), StandardCharsets.UTF_8);

    @Test
    void tokenizesLikeBertUncased() {
        Tokenizer t = HuggingFaceTokenizer.fromJson(JSON, "tokenizer.json");
        // [CLS] hello world . [SEP] in the BERT uncased vocabulary.
        assertArrayEquals(new long[] {101, 7592, 2088, 1012, 102}, t.encode("Hello world.", 128));
        assertEquals(30522, t.vocabularySize());
        assertEquals(0, t.padId());
        assertEquals(103, t.maskId().getAsInt());
        assertTrue(t.isSpecial(101) && t.isSpecial(102) && !t.isSpecial(7592));
        // The file pads to 128; RSR does not: padding is per batch.
        assertEquals(5, t.length("Hello world."));
    }

    @Test
    void cuttingKeepsTheClosingSeparator() {
        Tokenizer t = HuggingFaceTokenizer.fromJson(JSON, "tokenizer.json");
        long[] ids = t.encode("one two three four five six seven", 4);
        assertEquals(4, ids.length);
        assertEquals(101, ids[0]);
        assertEquals(102, ids[3]);
    }

    @Test
    void savedInAModelAndRestoredByKind() {
        ModelGraph model = PretrainedModels.load(PretrainedModels.ALL_MINILM_L6_V2);
        Tokenizer restored = TextTask.tokenizerOf(model, "m").orElseThrow();
        assertEquals(HuggingFaceTokenizer.KIND, restored.kind());
        assertArrayEquals(new long[] {101, 7592, 2088, 1012, 102}, Tokenizers.deserialize("huggingface", JSON, "x").encode("Hello world.", 64));
        assertTrue(model.graph().output("last_hidden_state").isPresent());
        assertThrows(ModelException.class, () -> HuggingFaceTokenizer.fromJson("{\"model\": {}}", "bad.json"));
        assertThrows(dev.rsr.error.ConfigurationException.class, () -> PretrainedModels.load("bert-huge"));
    }
}
