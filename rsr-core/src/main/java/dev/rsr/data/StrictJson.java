package dev.rsr.data;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The one JSON reader for what users give RSR (JSONL lines, configurations, tokenizer files): a
 * value followed by anything but white space is an error, not silently cut short, and duplicate
 * keys are refused rather than the last one winning.
 */
public final class StrictJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private StrictJson() {
    }

    /** Thread-safe once configured, as Jackson documents; shared. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
