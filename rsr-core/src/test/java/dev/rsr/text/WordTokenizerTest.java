package dev.rsr.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rsr.error.ModelException;
import java.util.List;
import org.junit.jupiter.api.Test;

class WordTokenizerTest {
    @Test
    void splitsLowerCasesAndKeepsPunctuation() {
        assertEquals(List.of("it", "'", "s", "café", "-", "2", "x"), WordTokenizer.words("It's  Café-2 x"));
    }

    @Test
    void vocabularyByFrequencyWithPaddingAndUnknown() {
        WordTokenizer t = WordTokenizer.train(List.of("b a a", "c a b", "d"), 4, 1);
        assertEquals(List.of("[PAD]", "[UNK]", "a", "b"), t.vocabulary());
        assertArrayEquals(new long[] {2, 3, 1}, t.encode("A b zebra", 10));
        assertArrayEquals(new long[] {2, 3}, t.encode("a b a b", 2));
        assertArrayEquals(new long[] {WordTokenizer.UNKNOWN}, t.encode("   ", 5));
        WordTokenizer back = WordTokenizer.deserialize(t.serialize(), "m.onnx");
        assertEquals(t.vocabulary(), back.vocabulary());
        assertThrows(ModelException.class, () -> WordTokenizer.deserialize("something else", "m.onnx"));
    }
}
