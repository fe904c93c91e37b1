package dev.rsr.data;

import dev.rsr.io.Utf8Lines;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A plain-text corpus: one document per line, blank lines skipped, strict UTF-8 (errors name the line). */
public final class PlainText {
    private PlainText() {
    }

    public static List<String> lines(Path file) {
        List<String> out = new ArrayList<>();
        try (Utf8Lines lines = Utf8Lines.open(file)) {
            for (String line = lines.next(); line != null; line = lines.next()) {
                if (!line.isBlank()) {
                    out.add(line.strip());
                }
            }
        }
        if (out.isEmpty()) {
            throw new dev.rsr.error.DataException(file + ": no text (the file is empty)");
        }
        return out;
    }
}
