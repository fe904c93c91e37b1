package dev.rsr.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rsr.error.DataException;
import dev.rsr.io.Utf8Lines;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads labelled texts from TSV, CSV or JSONL files. Columns are found by name (from a header
 * line, for TSV and CSV) or by position (0-based, when the file has no header; the default names
 * {@code text} and {@code label} then mean columns 0 and 1). A first line that holds both
 * configured column names is a header. CSV fields may be quoted ({@code "a, b"},
 * {@code ""} for a quote, line breaks inside quotes). Blank lines are skipped. Every error names
 * the file and line: invalid UTF-8, a missing column, an empty text or label, a line over
 * {@link #MAX_LINE_CHARS} characters, malformed JSON, a file with no examples.
 *
 * @param format      the file format
 * @param textColumn  column name, or a 0-based index for files without a header
 * @param labelColumn column name, or a 0-based index for files without a header
 */
public record TextTableReader(TableFormat format, String textColumn, String labelColumn) {
    /** Longer lines are refused, not truncated: they are almost always a broken file (a missing line break or quote). */
    public static final int MAX_LINE_CHARS = 1_000_000;

    /** TSV/CSV: header names {@code text}, {@code label}, or columns 0 and 1 without a header; JSONL: fields text, label. */
    public static TextTableReader defaults(TableFormat format) {
        return new TextTableReader(format, "text", "label");
    }

    /** Reads with the format the file name implies and default columns. */
    public static List<TextExample> readAuto(Path file) {
        return defaults(TableFormat.of(file)).read(file);
    }

    public List<TextExample> read(Path file) {
        List<TextExample> out = new ArrayList<>();
        try (Utf8Lines lines = Utf8Lines.open(file)) {
            if (format == TableFormat.JSONL) {
                readJsonl(file, lines, out);
            } else {
                readDelimited(file, lines, out);
            }
        }
        if (out.isEmpty()) {
            throw new DataException(file + ": no examples (the file is empty)");
        }
        return out;
    }

    private void readJsonl(Path file, Utf8Lines lines, List<TextExample> out) {
        for (String line = lines.next(); line != null; line = lines.next()) {
            if (line.isBlank()) {
                continue;
            }
            String where = file + " line " + lines.lineNumber();
            checkLength(line, where);
            JsonNode node = StrictJson.objectLine(line, where, "with fields '" + textColumn + "' and '" + labelColumn + "'");
            out.add(example(jsonField(node, textColumn, where), jsonField(node, labelColumn, where), where));
        }
    }

    private static String jsonField(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new DataException(where + ": missing field '" + field + "'");
        }
        if (v.isContainerNode()) {
            throw new DataException(where + ": field '" + field + "' must be a string or number, not " + v.getNodeType());
        }
        return v.asText();
    }

    private void readDelimited(Path file, Utf8Lines lines, List<TextExample> out) {
        char delimiter = format == TableFormat.TSV ? '\t' : ',';
        int textIndex = -1;
        int labelIndex = -1;
        boolean first = true;
        List<String> fields;
        while ((fields = nextRecord(file, lines, delimiter)) != null) {
            String where = file + " line " + lines.lineNumber();
            if (fields.size() == 1 && fields.get(0).isBlank()) {
                continue;
            }
            if (first) {
                first = false;
                int t = fields.indexOf(textColumn);
                int l = fields.indexOf(labelColumn);
                if (t >= 0 && l >= 0) {
                    textIndex = t;
                    labelIndex = l;
                    continue;
                }
                textIndex = index(textColumn, "text", 0, file, fields);
                labelIndex = index(labelColumn, "label", 1, file, fields);
            }
            int needed = Math.max(textIndex, labelIndex) + 1;
            if (fields.size() < needed) {
                throw new DataException(where + ": has " + fields.size() + " column(s) but the "
                        + (fields.size() <= labelIndex ? "label column (" + labelIndex + ")" : "text column (" + textIndex + ")")
                        + " is missing" + (format == TableFormat.TSV ? "; columns are separated by tabs" : ""));
            }
            out.add(example(fields.get(textIndex), fields.get(labelIndex), where));
        }
    }

    /**
     * A column in a file without a header: a position, or the default name ({@code text},
     * {@code label}) standing for its default position (0, 1). Any other name needs a header.
     */
    private static int index(String column, String role, int defaultPosition, Path file, List<String> firstRow) {
        if (column.equals(role)) {
            return defaultPosition;
        }
        try {
            int i = Integer.parseInt(column);
            if (i < 0) {
                throw new NumberFormatException();
            }
            return i;
        } catch (NumberFormatException e) {
            throw new DataException(file + " line 1: no header names the " + role + " column '" + column
                    + "' (first line: " + firstRow + "); add a header or give the column's 0-based position");
        }
    }

    private static TextExample example(String text, String label, String where) {
        String t = text.strip();
        String l = label.strip();
        if (t.isEmpty()) {
            throw new DataException(where + ": the text is empty");
        }
        if (l.isEmpty()) {
            throw new DataException(where + ": the label is empty");
        }
        return new TextExample(t, l, where);
    }

    private static void checkLength(String line, String where) {
        if (line.length() > MAX_LINE_CHARS) {
            throw new DataException(where + ": the line has " + line.length() + " characters, over the limit of " + MAX_LINE_CHARS
                    + " (a missing line break or quote?)");
        }
    }

    /** The next record's fields, reading more lines while a CSV quote is open; null at the end. */
    private List<String> nextRecord(Path file, Utf8Lines lines, char delimiter) {
        String line = lines.next();
        if (line == null) {
            return null;
        }
        long startLine = lines.lineNumber();
        checkLength(line, file + " line " + startLine);
        List<String> fields = new ArrayList<>();
        if (format == TableFormat.TSV) {
            int start = 0;
            for (int i = 0; i <= line.length(); i++) {
                if (i == line.length() || line.charAt(i) == delimiter) {
                    fields.add(line.substring(start, i));
                    start = i + 1;
                }
            }
            return fields;
        }
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        int i = 0;
        while (true) {
            if (i == line.length()) {
                if (!quoted) {
                    fields.add(field.toString());
                    return fields;
                }
                String next = lines.next();
                if (next == null) {
                    throw new DataException(file + " line " + startLine + ": a quoted field is never closed");
                }
                field.append('\n');
                line = next;
                i = 0;
                continue;
            }
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i += 2;
                    continue;
                }
                if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"' && field.toString().isBlank()) {
                field.setLength(0);
                quoted = true;
            } else if (c == delimiter) {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
            i++;
        }
    }
}
