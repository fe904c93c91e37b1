package dev.rsr.engine;

import dev.rsr.data.TextExample;
import dev.rsr.error.DataException;
import dev.rsr.error.ModelException;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.ModelMetadata;
import dev.rsr.spi.Tokenizer;
import dev.rsr.text.Tokenizers;
import dev.rsr.text.WordTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A text classification task: its labels (in class-id order), tokenizer and longest sequence.
 * Saved into a model's metadata so that serving tokenizes and labels exactly as training did.
 */
public record TextTask(List<String> labels, Tokenizer tokenizer, int maxLength) {
    public static final String TOKENIZER_PROPERTY = "rsr.tokenizer";
    public static final String TOKENIZER_KIND_PROPERTY = "rsr.tokenizer.kind";
    public static final String LABELS_PROPERTY = "rsr.labels";
    public static final String MAX_LENGTH_PROPERTY = "rsr.max_length";

    public TextTask {
        labels = List.copyOf(labels);
    }

    /** Labels sorted, a word tokenizer trained on the training texts. */
    public static TextTask fromTraining(List<TextExample> train, int vocabularySize, int maxLength) {
        return withTokenizer(train, WordTokenizer.train(train.stream().map(TextExample::text).toList(), vocabularySize, 1), maxLength);
    }

    /** Labels sorted, the given tokenizer. */
    public static TextTask withTokenizer(List<TextExample> train, Tokenizer tokenizer, int maxLength) {
        List<String> labels = new ArrayList<>(new TreeSet<>(train.stream().map(TextExample::label).toList()));
        if (labels.size() < 2) {
            throw new DataException("the training data has only one label ('" + labels.get(0) + "'); classification needs at least two");
        }
        return new TextTask(labels, tokenizer, maxLength);
    }

    /** The tokenizer a model carries (an encoder from pretraining carries one without labels). */
    public static java.util.Optional<Tokenizer> tokenizerOf(ModelGraph model, String source) {
        Map<String, String> p = model.metadata().properties();
        if (!p.containsKey(TOKENIZER_PROPERTY)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(Tokenizers.deserialize(p.getOrDefault(TOKENIZER_KIND_PROPERTY, WordTokenizer.KIND),
                p.get(TOKENIZER_PROPERTY), source));
    }

    /** The model with a tokenizer in its metadata. */
    public static ModelGraph attachTokenizer(ModelGraph model, Tokenizer tokenizer) {
        return model.withMetadata(model.metadata().withProperty(TOKENIZER_KIND_PROPERTY, tokenizer.kind())
                .withProperty(TOKENIZER_PROPERTY, tokenizer.serialize()));
    }

    /** The task a model carries in its metadata, if it carries one. */
    public static java.util.Optional<TextTask> fromModel(ModelGraph model, String source) {
        Map<String, String> p = model.metadata().properties();
        if (!p.containsKey(TOKENIZER_PROPERTY) || !p.containsKey(LABELS_PROPERTY)) {
            return java.util.Optional.empty();
        }
        if (!p.containsKey(MAX_LENGTH_PROPERTY)) {
            throw new ModelException(source + ": has a tokenizer and labels but no " + MAX_LENGTH_PROPERTY + " metadata");
        }
        int maxLength = maxLengthOf(model, source).orElseThrow();
        List<String> labels = Arrays.asList(p.get(LABELS_PROPERTY).split("\n", -1));
        for (dev.rsr.ir.ValueInfo out : model.graph().outputs()) {
            if (out.name().equals(dev.rsr.zoo.TextClassifier.LOGITS) && out.shape().hasRank() && out.shape().rank() == 2
                    && out.shape().dim(1).isFixed() && out.shape().dim(1).size() != labels.size()) {
                throw new ModelException(source + ": metadata " + LABELS_PROPERTY + " names " + labels.size() + " labels but output '"
                        + out.name() + "' has " + out.shape().dim(1).size() + " classes");
            }
        }
        return java.util.Optional.of(new TextTask(labels, tokenizerOf(model, source).orElseThrow(), maxLength));
    }

    /** The longest sequence a model's metadata declares, if it declares one; a value that is not a positive integer is refused. */
    public static java.util.OptionalInt maxLengthOf(ModelGraph model, String source) {
        String declared = model.metadata().properties().get(MAX_LENGTH_PROPERTY);
        if (declared == null) {
            return java.util.OptionalInt.empty();
        }
        int maxLength;
        try {
            maxLength = Integer.parseInt(declared.strip());
        } catch (NumberFormatException e) {
            maxLength = 0;
        }
        if (maxLength < 1) {
            throw new ModelException(source + ": metadata " + MAX_LENGTH_PROPERTY + " must be a positive integer, got '" + declared + "'");
        }
        return java.util.OptionalInt.of(maxLength);
    }

    /** The model with this task in its metadata. */
    public ModelGraph attachTo(ModelGraph model) {
        ModelMetadata m = attachTokenizer(model, tokenizer).metadata()
                .withProperty(LABELS_PROPERTY, String.join("\n", labels))
                .withProperty(MAX_LENGTH_PROPERTY, Integer.toString(maxLength));
        return model.withMetadata(m);
    }

    /** Token ids and class ids; a label not seen in training is an error naming its file and line. */
    public EncodedExamples encode(List<TextExample> examples) {
        Map<String, Integer> classOf = new LinkedHashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            classOf.put(labels.get(i), i);
        }
        List<long[]> ids = new ArrayList<>(examples.size());
        long[] classes = new long[examples.size()];
        int truncated = 0;
        for (int i = 0; i < examples.size(); i++) {
            TextExample e = examples.get(i);
            Integer c = classOf.get(e.label());
            if (c == null) {
                throw new DataException(e.source() + ": label '" + e.label() + "' does not occur in the training data (labels: " + labels + ")");
            }
            classes[i] = c;
            ids.add(tokenizer.encode(e.text(), maxLength));
            if (tokenizer.length(e.text()) > maxLength) {
                truncated++;
            }
        }
        return new EncodedExamples(ids, classes, truncated);
    }

    /**
     * Encoded examples.
     *
     * @param tokenIds  token ids per example (unpadded)
     * @param classes   class id per example
     * @param truncated how many texts were longer than the maximum length and cut
     */
    public record EncodedExamples(List<long[]> tokenIds, long[] classes, int truncated) {
        public int size() {
            return classes.length;
        }
    }
}
