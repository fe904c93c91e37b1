package dev.rsr.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rsr.data.TextExample;
import dev.rsr.error.DataException;
import dev.rsr.ir.ModelGraph;
import dev.rsr.training.Batch;
import dev.rsr.zoo.Mlp;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextTaskTest {
    private static final List<TextExample> TRAIN = List.of(new TextExample("good film", "pos", "t line 1"),
            new TextExample("bad film indeed", "neg", "t line 2"));

    @Test
    void labelsAreSortedAndUnseenEvalLabelsAreNamed() {
        TextTask task = TextTask.fromTraining(TRAIN, 100, 8);
        assertEquals(List.of("neg", "pos"), task.labels());
        DataException e = assertThrows(DataException.class,
                () -> task.encode(List.of(new TextExample("meh", "neutral", "e.tsv line 7"))));
        assertEquals("e.tsv line 7: label 'neutral' does not occur in the training data (labels: [neg, pos])", e.getMessage());
        assertThrows(DataException.class, () -> TextTask.fromTraining(List.of(TRAIN.get(0)), 100, 8));
    }

    @Test
    void batchesArePaddedWithMasksAndTheTaskTravelsInModelMetadata() {
        TextTask task = TextTask.fromTraining(TRAIN, 100, 2);
        TextTask.EncodedExamples enc = task.encode(TRAIN);
        assertEquals(1, enc.truncated(), "'bad film indeed' is longer than 2 tokens");
        Batch b = TextBatches.batch(enc, new int[] {0, 1}, new TextBatches.Layout(0, false));
        assertArrayEquals(new long[] {2, 2}, b.inputs().get("attention_mask").shape());
        assertArrayEquals(new long[] {1, 0}, b.targets().longs());
        ModelGraph m = task.attachTo(new Mlp(16, List.of(32), 2, 42).build());
        TextTask back = TextTask.fromModel(m, "m").orElseThrow();
        assertEquals(task.labels(), back.labels());
        assertEquals(task.tokenizer().serialize(), back.tokenizer().serialize());
        assertEquals(2, back.maxLength());
        // Two labels on a three-class model: refused when read, naming both counts.
        ModelGraph mismatched = task.attachTo(Mlp.defaults().build());
        assertEquals("m: metadata rsr.labels names 2 labels but output 'logits' has 3 classes",
                assertThrows(dev.rsr.error.ModelException.class, () -> TextTask.fromModel(mismatched, "m")).getMessage());
    }
}
