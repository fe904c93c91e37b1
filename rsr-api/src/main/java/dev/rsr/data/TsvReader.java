package dev.rsr.data;

import dev.rsr.error.DataException;
import dev.rsr.io.Utf8Lines;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code text<TAB>label} lines. Blank lines are skipped; a first line {@code text<TAB>label}
 * is taken as a header. Errors name the file and line.
 */
public final class TsvReader {
    private TsvReader() {
    }

    public static List<TextExample> read(Path file) {
        List<TextExample> out = new ArrayList<>();
        try (Utf8Lines lines = Utf8Lines.open(file)) {
            for (String line = lines.next(); line != null; line = lines.next()) {
                if (line.isBlank()) {
                    continue;
                }
                String where = file + " line " + lines.lineNumber();
                int tab = line.lastIndexOf('\t');
                if (tab < 0) {
                    throw new DataException(where + ": expected 'text<TAB>label' but found no tab");
                }
                String text = line.substring(0, tab).strip();
                String label = line.substring(tab + 1).strip();
                if (out.isEmpty() && lines.lineNumber() == 1 && text.equalsIgnoreCase("text") && label.equalsIgnoreCase("label")) {
                    continue;
                }
                if (label.isEmpty()) {
                    throw new DataException(where + ": the label (after the last tab) is empty");
                }
                if (text.isEmpty()) {
                    throw new DataException(where + ": the text (before the last tab) is empty");
                }
                out.add(new TextExample(text, label, where));
            }
        }
        if (out.isEmpty()) {
            throw new DataException(file + ": no examples (the file is empty)");
        }
        return out;
    }
}
