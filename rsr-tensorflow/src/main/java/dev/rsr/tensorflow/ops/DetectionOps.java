package dev.rsr.tensorflow.ops;

import static dev.rsr.tensorflow.ops.Tf.builder;
import static dev.rsr.tensorflow.ops.Tf.op;

import dev.rsr.ir.DataType;
import dev.rsr.ir.TensorData;
import dev.rsr.tensorflow.spi.ConversionContext;
import dev.rsr.tensorflow.spi.OpConverter;
import dev.rsr.tensorflow.spi.OpConverterProvider;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Output;

/** Object-detection post-processing: NonMaxSuppression. Selects indices, so nothing here is differentiable. */
public final class DetectionOps implements OpConverterProvider {
    public static final String NAME = "rsr-detection-ops";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, OpConverter> converters() {
        Map<String, OpConverter> m = new LinkedHashMap<>();
        m.put("NonMaxSuppression", DetectionOps::nonMaxSuppression);
        return Collections.unmodifiableMap(m);
    }

    /**
     * TensorFlow's NonMaxSuppressionV3 once per (batch, class), over the batch's boxes and the
     * class's scores, its selections joined as ONNX's {@code [batch, class, box]} rows in batch,
     * class, then selection order. Both keep scores strictly above the score threshold, suppress an
     * IoU strictly above the IoU threshold, take a box's corners in either order and break score
     * ties by the lower box index, so the selections match. Batches and classes are unrolled, so
     * their counts must be static.
     */
    private static List<Output<?>> nonMaxSuppression(ConversionContext c) {
        Output<?> boxes = Tf.cast(c, c.input(0), DataType.FLOAT);
        Output<?> scores = Tf.cast(c, c.input(1), DataType.FLOAT);
        if (c.rank(boxes) != 3 || c.rank(scores) != 3) {
            throw c.error("boxes and scores must be 3-D ([batches, boxes, 4] and [batches, classes, boxes]), got ranks "
                    + c.rank(boxes) + " and " + c.rank(scores));
        }
        long batches = scores.shape().get(0), classes = scores.shape().get(1);
        if (batches < 0 || classes < 0) {
            throw c.error("scores (input 1) needs static batch and class counts in the TensorFlow backend, got shape " + scores.shape());
        }
        boolean centerPoint = c.node().intAttribute("center_point_box", 0) != 0;
        Output<?> corners = centerPoint ? fromCenters(c, boxes) : boxes;
        Output<?> boxCount = Tf.dim(c, boxes, 1);
        // ONNX's absent max_output_boxes_per_class is 0, selecting nothing; TensorFlow's count is
        // int32, so an int64 one is first capped at the number of boxes.
        Output<?> limit = c.hasInput(2) ? scalar(c, Tf.cast(c, c.input(2), DataType.INT64)) : c.scalar(0, DataType.INT64);
        limit = Tf.cast(c, op(c, "Maximum", op(c, "Minimum", limit, boxCount), c.scalar(0, DataType.INT64)), DataType.INT32);
        Output<?> iou = c.hasInput(3) ? scalar(c, Tf.cast(c, c.input(3), DataType.FLOAT)) : c.scalar(0, DataType.FLOAT);
        // Without a score threshold every box is a candidate.
        Output<?> scoreThreshold = c.hasInput(4) ? scalar(c, Tf.cast(c, c.input(4), DataType.FLOAT))
                : c.scalar(Double.NEGATIVE_INFINITY, DataType.FLOAT);
        List<Output<?>> rows = new ArrayList<>();
        for (long b = 0; b < batches; b++) {
            Output<?> batchBoxes = op(c, "Reshape", op(c, "Slice", corners, c.int32s(b, 0, 0), c.int32s(1, -1, -1)), c.longs(-1, 4));
            for (long k = 0; k < classes; k++) {
                Output<?> classScores = op(c, "Reshape", op(c, "Slice", scores, c.int32s(b, k, 0), c.int32s(1, 1, -1)), c.longs(-1));
                Output<?> selected = Tf.cast(c, op(c, "NonMaxSuppressionV3", batchBoxes, classScores, limit, iou, scoreThreshold), DataType.INT64);
                Output<?> column = op(c, "ExpandDims", selected, c.scalar(1, DataType.INT32));
                // This (batch, class) pair repeated down the selection.
                Output<?> pair = c.constant(TensorData.ofLongs(new long[] {1, 2}, b, k));
                Output<?> prefix = op(c, "Tile", pair, Tf.concat(c, List.of(Tf.slice1d(c, Tf.shape(c, column), 0, 1L), c.longs(1))));
                rows.add(Tf.concat(c, List.of(prefix, column), 1));
            }
        }
        if (rows.isEmpty()) {
            return List.of(op(c, "Reshape", c.longs(), c.longs(0, 3)));
        }
        return List.of(Tf.concat(c, rows));
    }

    /** {@code [x_center, y_center, width, height]} boxes as TensorFlow's {@code [y1, x1, y2, x2]} corners. */
    private static Output<?> fromCenters(ConversionContext c, Output<?> boxes) {
        var parts = builder(c, "Unpack", boxes).setAttr("num", 4L).setAttr("axis", -1L).build();
        Output<?> half = c.scalar(0.5, DataType.FLOAT);
        Output<?> halfWidth = op(c, "Mul", parts.output(2), half), halfHeight = op(c, "Mul", parts.output(3), half);
        Output<?> xc = parts.output(0), yc = parts.output(1);
        return builder(c, "Pack").addInputList(new Output<?>[] {op(c, "Sub", yc, halfHeight), op(c, "Sub", xc, halfWidth),
                op(c, "AddV2", yc, halfHeight), op(c, "AddV2", xc, halfWidth)}).setAttr("axis", -1L).build().output(0);
    }

    /** A one-element input as the scalar TensorFlow requires (ONNX files often hold it as a one-element vector). */
    private static Output<?> scalar(ConversionContext c, Output<?> x) {
        return Tf.reshape(c, x, c.longs());
    }
}
