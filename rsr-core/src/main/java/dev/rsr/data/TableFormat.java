package dev.rsr.data;

import dev.rsr.error.ConfigurationException;
import java.nio.file.Path;
import java.util.Locale;

/** The text-classification file formats RSR reads. */
public enum TableFormat {
    TSV, CSV, JSONL;

    /** The format a file name implies: .tsv/.txt, .csv, .jsonl/.json. */
    public static TableFormat of(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".tsv") || name.endsWith(".txt")) {
            return TSV;
        }
        if (name.endsWith(".csv")) {
            return CSV;
        }
        if (name.endsWith(".jsonl") || name.endsWith(".json") || name.endsWith(".ndjson")) {
            return JSONL;
        }
        throw new ConfigurationException(file + ": cannot tell the format from the name; use .tsv, .csv or .jsonl (or give the format)");
    }
}
