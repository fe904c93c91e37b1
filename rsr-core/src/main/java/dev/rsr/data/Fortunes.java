package dev.rsr.data;

import dev.rsr.error.DataException;
import dev.rsr.io.Utf8Lines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads fortune files (Debian packages {@code fortunes}, {@code fortunes-min}; under
 * {@code /usr/share/games/fortunes}): entries separated by lines holding {@code %}; the file name
 * is the category. The UTF-8 copy ({@code name.u8}) is read when present.
 */
public final class Fortunes {
    public static final Path DEFAULT_DIR = Path.of("/usr/share/games/fortunes");
    /** Distinct topics with hundreds of entries each in the Debian packages. */
    public static final List<String> DEFAULT_CATEGORIES = List.of("computers", "people", "politics", "science", "work");

    private Fortunes() {
    }

    /** Every category in a fortunes directory: the files that have a {@code .dat} index beside them. */
    public static List<String> categories(Path dir) {
        try (var files = Files.list(dir)) {
            List<String> found = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".dat"))
                    .map(n -> n.substring(0, n.length() - 4)).filter(n -> Files.isRegularFile(dir.resolve(n))).sorted().toList();
            if (found.isEmpty()) {
                throw new DataException(dir + ": no fortune files (Debian: apt-get install fortunes fortunes-min)");
            }
            return found;
        } catch (java.io.IOException e) {
            throw new DataException(dir + ": cannot list fortune files (Debian: apt-get install fortunes fortunes-min): " + dev.rsr.io.IoErrors.reason(e));
        }
    }

    /** Every entry of the given categories, text with whitespace collapsed and overstrikes removed. */
    public static List<TextExample> read(Path dir, List<String> categories) {
        List<TextExample> out = new ArrayList<>();
        for (String category : categories) {
            Path file = dir.resolve(category + ".u8");
            if (!Files.isRegularFile(file)) {
                file = dir.resolve(category);
            }
            if (!Files.isRegularFile(file)) {
                throw new DataException(dir.resolve(category) + ": fortune category not found (Debian: apt-get install fortunes "
                        + "fortunes-min; categories are the file names in " + dir + ")");
            }
            StringBuilder entry = new StringBuilder();
            long startLine = 1;
            try (Utf8Lines lines = Utf8Lines.open(file)) {
                for (String line = lines.next(); line != null; line = lines.next()) {
                    if (line.equals("%")) {
                        add(out, entry, category, file + " line " + startLine);
                        startLine = lines.lineNumber() + 1;
                    } else {
                        entry.append(line).append(' ');
                    }
                }
            }
            add(out, entry, category, file + " line " + startLine);
        }
        return out;
    }

    private static void add(List<TextExample> out, StringBuilder entry, String category, String where) {
        // "X\bX" and "_\bX" are overstrikes for bold and underline: keep the visible character.
        String text = entry.toString().replaceAll(".\b", "").replaceAll("\\p{Cntrl}", " ").replaceAll("\\s+", " ").strip();
        entry.setLength(0);
        if (!text.isEmpty()) {
            out.add(new TextExample(text, category, where));
        }
    }
}
