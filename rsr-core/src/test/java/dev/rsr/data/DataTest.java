package dev.rsr.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsr.error.DataException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataTest {
    @TempDir
    Path dir;

    private Path write(String name, String content) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, content);
        return f;
    }

    private String error(TextTableReader reader, Path f) {
        return assertThrows(DataException.class, () -> reader.read(f)).getMessage();
    }

    @Test
    void tsvWithAndWithoutHeader() throws Exception {
        List<TextExample> e = TextTableReader.readAuto(write("d.tsv", "text\tlabel\nhello there\tgreeting\n\nbye\tfarewell\n"));
        assertEquals(2, e.size());
        assertEquals("hello there", e.get(0).text());
        assertEquals("greeting", e.get(0).label());
        assertTrue(e.get(1).source().endsWith("d.tsv line 4"));
        List<TextExample> noHeader = TextTableReader.readAuto(write("n.tsv", "hello\tgreeting\n"));
        assertEquals("greeting", noHeader.get(0).label());
        // Columns by name from a header, in any order.
        List<TextExample> named = new TextTableReader(TableFormat.TSV, "body", "topic")
                .read(write("h.tsv", "id\ttopic\tbody\n1\tsport\tthe match\n"));
        assertEquals("the match", named.get(0).text());
        assertEquals("sport", named.get(0).label());
    }

    @Test
    void csvWithQuotesAndLineBreaksInsideThem() throws Exception {
        Path f = write("d.csv", "label,text\npos,\"good, really \"\"good\"\"\"\nneg,\"two\nlines\"\nneg,plain\n");
        List<TextExample> e = TextTableReader.readAuto(f);
        assertEquals(3, e.size());
        assertEquals("good, really \"good\"", e.get(0).text());
        assertEquals("two\nlines", e.get(1).text());
        assertEquals("plain", e.get(2).text());
        assertTrue(e.get(2).source().endsWith("d.csv line 5"), e.get(2).source());
        Path open = write("o.csv", "text,label\n\"never closed,x\n");
        assertEquals(open + " line 2: a quoted field is never closed", error(TextTableReader.defaults(TableFormat.CSV), open));
    }

    @Test
    void jsonlFieldsAndErrors() throws Exception {
        Path f = write("d.jsonl", "{\"text\": \"hi\", \"label\": 3}\n\n{\"label\": \"x\", \"text\": \"yo\"}\n");
        List<TextExample> e = TextTableReader.readAuto(f);
        assertEquals("3", e.get(0).label());
        assertEquals("yo", e.get(1).text());
        Path bad = write("b.jsonl", "{\"text\": \"hi\", \"label\": 1}\n{\"text\": \"hi\"\n");
        assertTrue(error(TextTableReader.defaults(TableFormat.JSONL), bad).startsWith(bad + " line 2: malformed JSON"));
        Path missing = write("m.jsonl", "{\"text\": \"hi\"}\n");
        assertEquals(missing + " line 1: missing field 'label'", error(TextTableReader.defaults(TableFormat.JSONL), missing));
    }

    @Test
    void badFilesNameFileAndLine() throws Exception {
        TextTableReader tsv = TextTableReader.defaults(TableFormat.TSV);
        Path f = write("bad.tsv", "ok\tx\nno tab here\n");
        assertEquals(f + " line 2: has 1 column(s) but the label column (1) is missing; columns are separated by tabs", error(tsv, f));
        Files.writeString(f, "ok\t \n");
        assertEquals(f + " line 1: the label is empty", error(tsv, f));
        Files.writeString(f, "\n\n");
        assertEquals(f + ": no examples (the file is empty)", error(tsv, f));
        Files.write(f, "ok\tx\nbad \u00ff\tbyte\n".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(f + " line 2: not valid UTF-8", error(tsv, f));
        Files.writeString(f, "x".repeat(TextTableReader.MAX_LINE_CHARS + 1) + "\tlabel\n");
        assertTrue(error(tsv, f).contains("line 1: the line has 1000007 characters, over the limit"));
        Path h = write("h.tsv", "a\tb\n");
        assertTrue(error(new TextTableReader(TableFormat.TSV, "body", "label"), h).contains("no header names the text column 'body'"));
    }

    @Test
    void syntheticTasksAreDeterministicBalancedAndCompositional() {
        for (String task : SyntheticTasks.NAMES) {
            List<TextExample> a = SyntheticTasks.generate(task, 600, 3);
            assertEquals(a, SyntheticTasks.generate(task, 600, 3), task);
            assertEquals(2, a.stream().map(TextExample::label).distinct().count(), task);
            long first = a.stream().filter(e -> e.label().equals(a.get(0).label())).count();
            assertTrue(first > 240 && first < 360, task + ": " + first + " of 600 in one class");
            // The same bag of words occurs under both labels: word identity alone cannot solve the task.
            assertTrue(SyntheticTasks.bagOfWordsConflicts(a) > 0, task + " is solvable from word counts alone");
        }
    }

    @Test
    void stratifiedSplitKeepsClassSharesAndIsSeeded() {
        List<TextExample> all = SyntheticTasks.generate("negation", 1000, 1);
        Splits.Split s = Splits.stratified(all, 0.2, 7);
        assertEquals(1000, s.train().size() + s.eval().size());
        assertEquals(200, s.eval().size(), 2);
        long evalPositive = s.eval().stream().filter(e -> e.label().equals("positive")).count();
        long allPositive = all.stream().filter(e -> e.label().equals("positive")).count();
        assertEquals(allPositive / 5.0, evalPositive, 2);
        assertEquals(s, Splits.stratified(all, 0.2, 7));
    }
}
