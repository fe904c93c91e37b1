package dev.rsr.huggingface;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rsr.error.ModelException;
import dev.rsr.spi.TokenizerProvider;
import dev.rsr.spi.Tokenizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A Hugging Face {@code tokenizer.json} tokenizer, run by DJL's native tokenizers library (the
 * same Rust code as Python's {@code tokenizers}). Saved into models as the tokenizer.json text.
 * Padding and truncation settings in the file are ignored: RSR pads per batch and cuts long texts
 * itself, keeping the final special token (e.g. {@code [SEP]}).
 *
 * <p>Holds one native handle for the life of the process (tokenizers are shared, immutable and
 * long-lived); thread-safe.
 */
public final class HuggingFaceTokenizer implements Tokenizer {
    public static final String KIND = "huggingface";

    private final String json;
    private final ai.djl.huggingface.tokenizers.HuggingFaceTokenizer tokenizer;
    private final int vocabularySize;
    private final int padId;
    private final OptionalInt maskId;
    private final Set<Long> specialIds;

    private HuggingFaceTokenizer(String json, String source) {
        this.json = json;
        JsonNode root;
        try {
            root = dev.rsr.data.StrictJson.mapper().readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ModelException(source + ": not a tokenizer.json file: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ModelException(source + ": not a tokenizer.json file: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelException(source + ": not a tokenizer.json file (expected a JSON object)");
        }
        JsonNode vocab = root.path("model").path("vocab");
        if (!vocab.isObject() || vocab.isEmpty()) {
            throw new ModelException(source + ": tokenizer.json has no model.vocab (only WordPiece/BPE-style vocabularies are supported)");
        }
        this.vocabularySize = vocab.size();
        Set<Long> special = new HashSet<>();
        root.path("added_tokens").forEach(t -> {
            if (t.path("special").asBoolean(false)) {
                special.add(t.path("id").asLong());
            }
        });
        this.specialIds = Set.copyOf(special);
        this.padId = root.path("padding").path("pad_id").asInt(vocab.path("[PAD]").asInt(0));
        this.maskId = vocab.has("[MASK]") ? OptionalInt.of(vocab.get("[MASK]").asInt()) : OptionalInt.empty();
        try {
            this.tokenizer = ai.djl.huggingface.tokenizers.HuggingFaceTokenizer.newInstance(
                    new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
                    Map.of("padding", "false", "truncation", "false", "addSpecialTokens", "true"));
        } catch (IOException | RuntimeException e) {
            throw new ModelException(source + ": the tokenizers library cannot load this tokenizer.json: " + e.getMessage(), e);
        }
    }

    /** Loads a tokenizer.json text. */
    public static HuggingFaceTokenizer fromJson(String json, String source) {
        return new HuggingFaceTokenizer(json, source);
    }

    /** Reads a {@code tokenizer.json} file; a file that is not UTF-8 text or not such JSON is a {@link ModelException} naming it. */
    public static HuggingFaceTokenizer fromFile(java.nio.file.Path file) {
        dev.rsr.io.IoErrors.requireReadableFile(file);
        byte[] bytes;
        try {
            bytes = java.nio.file.Files.readAllBytes(file);
        } catch (IOException e) {
            throw dev.rsr.io.IoErrors.cannotRead(file, e);
        }
        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new ModelException(file + ": not a tokenizer.json file (not UTF-8 text)");
        }
        return new HuggingFaceTokenizer(json, file.toString());
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public long[] encode(String text, int maxLength) {
        long[] ids = tokenizer.encode(text).getIds();
        if (ids.length == 0) {
            return new long[] {padId};
        }
        if (ids.length <= maxLength) {
            return ids;
        }
        long[] cut = java.util.Arrays.copyOf(ids, maxLength);
        if (specialIds.contains(ids[ids.length - 1])) {
            cut[maxLength - 1] = ids[ids.length - 1]; // Keep the closing special token ([SEP]).
        }
        return cut;
    }

    @Override
    public int length(String text) {
        return tokenizer.encode(text).getIds().length;
    }

    @Override
    public int vocabularySize() {
        return vocabularySize;
    }

    @Override
    public int padId() {
        return padId;
    }

    @Override
    public OptionalInt maskId() {
        return maskId;
    }

    @Override
    public boolean isSpecial(long id) {
        return specialIds.contains(id);
    }

    @Override
    public String serialize() {
        return json;
    }

    /** Restores tokenizers of kind {@code huggingface}. */
    public static final class Provider implements TokenizerProvider {
        @Override
        public String name() {
            return KIND;
        }

        @Override
        public Tokenizer deserialize(String data, String source) {
            return fromJson(data, source);
        }
    }
}
