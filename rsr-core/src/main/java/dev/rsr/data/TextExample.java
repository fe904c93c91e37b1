package dev.rsr.data;

import java.util.Objects;

/**
 * One labelled text, with where it came from (for error messages).
 *
 * @param text   the text
 * @param label  the class label as written in the file
 * @param source "file line N"
 */
public record TextExample(String text, String label, String source) {
    public TextExample {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(label, "label");
    }
}
