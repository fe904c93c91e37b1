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

    /**
     * One JSONL line read as a JSON object.
     *
     * @param line     the line's text
     * @param where    where it stands, for errors (a file and a line number)
     * @param expected what the object should hold, for the error when the line is another JSON value
     * @return the object
     * @throws dev.rsr.error.DataException naming {@code where}, when the line is not JSON or not an object
     */
    public static com.fasterxml.jackson.databind.JsonNode objectLine(String line, String where, String expected) {
        com.fasterxml.jackson.databind.JsonNode node;
        try {
            node = MAPPER.readTree(line);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new dev.rsr.error.DataException(where + ": malformed JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new dev.rsr.error.DataException(where + ": expected a JSON object " + expected + ", got "
                    + (node == null ? "nothing" : node.getNodeType()));
        }
        return node;
    }
}
