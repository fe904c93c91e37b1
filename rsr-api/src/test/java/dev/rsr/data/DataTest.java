package dev.rsr.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsr.error.DataException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataTest {
    @TempDir
    Path dir;

    @Test
    void tsvReadsTextAndLabelSkippingHeaderAndBlankLines() throws Exception {
        Path f = dir.resolve("d.tsv");
        Files.writeString(f, "text\tlabel\nhello there\tgreeting\n\nit has\ta tab\tother\n");
        List<TextExample> e = TsvReader.read(f);
        assertEquals(2, e.size());
        assertEquals("hello there", e.get(0).text());
        assertEquals("greeting", e.get(0).label());
        assertEquals("it has\ta tab", e.get(1).text(), "the label is after the last tab");
        assertEquals(f + " line 4", e.get(1).source());
    }

    @Test
    void tsvErrorsNameFileAndLine() throws Exception {
        Path f = dir.resolve("bad.tsv");
        Files.writeString(f, "ok\tx\nno tab here\n");
        assertEquals(f + " line 2: expected 'text<TAB>label' but found no tab",
                assertThrows(DataException.class, () -> TsvReader.read(f)).getMessage());
        Files.writeString(f, "ok\t\n");
        assertEquals(f + " line 1: the label (after the last tab) is empty",
                assertThrows(DataException.class, () -> TsvReader.read(f)).getMessage());
        Files.writeString(f, "\n\n");
        assertEquals(f + ": no examples (the file is empty)", assertThrows(DataException.class, () -> TsvReader.read(f)).getMessage());
    }

    @Test
    void negatedSentimentIsDeterministicBalancedAndNeedsTheNegation() {
        List<TextExample> a = SyntheticTasks.negatedSentiment(500, 3);
        assertEquals(a, SyntheticTasks.negatedSentiment(500, 3));
        long positive = a.stream().filter(e -> e.label().equals("positive")).count();
        assertTrue(positive > 200 && positive < 300, "positives: " + positive);
        // The same sentiment word appears under both labels, depending on a negation.
        assertTrue(a.stream().anyMatch(e -> e.text().endsWith(" good") && e.label().equals("negative")));
        assertTrue(a.stream().anyMatch(e -> e.text().endsWith(" good") && e.label().equals("positive")));
    }
}
