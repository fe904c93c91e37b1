package dev.rsr.text;

import dev.rsr.spi.Tokenizer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsr.data.SyntheticTasks;
import dev.rsr.data.TextExample;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubwordTokenizerTest {
    private static final List<String> CORPUS = SyntheticTasks.generate("negation", 2000, 1).stream().map(TextExample::text).toList();

    @Test
    void unseenWordsSplitIntoKnownPiecesInsteadOfUnknown() {
        SubwordTokenizer t = SubwordTokenizer.train(CORPUS, 300);
        assertEquals(300, t.vocabularySize());
        // "brilliantly" never occurs, but "brilliant" and the letters of "ly" do.
        long[] ids = t.encode("brilliantly", 10);
        assertTrue(ids.length >= 2, Arrays.toString(ids));
        assertTrue(Arrays.stream(ids).noneMatch(id -> id == SubwordTokenizer.UNKNOWN), Arrays.toString(ids));
        assertEquals("brilliant", t.vocabulary().get((int) ids[0]));
        // Characters never seen in training make the word unknown.
        assertArrayEquals(new long[] {SubwordTokenizer.UNKNOWN}, t.encode("ß", 5));
        assertEquals(t.length("brilliantly good"), t.encode("brilliantly good", 100).length);
        assertEquals(2, t.encode("brilliantly good", 2).length);
    }

    @Test
    void roundTripsThroughItsSerializedFormAndTheProvider() {
        SubwordTokenizer t = SubwordTokenizer.train(CORPUS, 200);
        Tokenizer back = Tokenizers.deserialize(SubwordTokenizer.KIND, t.serialize(), "m.onnx");
        assertArrayEquals(t.encode("the plot was not really tedious", 64), back.encode("the plot was not really tedious", 64));
        assertEquals(SubwordTokenizer.MASK, back.maskId().getAsInt());
        assertTrue(back.isSpecial(SubwordTokenizer.PAD));
        assertNotEquals(t.encode("good", 5)[0], t.encode("bad", 5)[0]);
    }
}
