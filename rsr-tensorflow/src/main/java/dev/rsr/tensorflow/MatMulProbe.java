package dev.rsr.tensorflow;

import dev.rsr.ir.TensorData;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.op.Scope;

/**
 * Measures TensorFlow's dense float32 MatMul throughput on this machine: the practical ceiling of
 * training speed, for benchmarks that report achieved GFLOP/s as a share of it.
 */
public final class MatMulProbe {
    private MatMulProbe() {
    }

    /** GFLOP/s of an n×n by n×n MatMul, steady state over about {@code seconds}. */
    public static double gflops(int n, double seconds, int threads) {
        try (Graph g = new Graph()) {
            Scope scope = org.tensorflow.op.Ops.create(g).scope();
            // Placeholders, not constants: TensorFlow would fold a product of constants once and for all.
            Output<?> a = scope.opBuilder("Placeholder", "a").setAttr("dtype", org.tensorflow.proto.DataType.DT_FLOAT).build().output(0);
            Output<?> b = scope.opBuilder("Placeholder", "b").setAttr("dtype", org.tensorflow.proto.DataType.DT_FLOAT).build().output(0);
            Output<?> product = scope.opBuilder("MatMul", "product").addInput(a).addInput(b).build().output(0);
            // Fetch a reduction, not the product, so copying n×n floats out does not count.
            Output<?> sum = scope.opBuilder("Sum", "sum").addInput(product)
                    .addInput(TfGraphs.constant(scope, TensorData.ofInts(new long[] {2}, 0, 1))).build().output(0);
            try (Session s = new Session(g, org.tensorflow.proto.ConfigProto.newBuilder()
                    .setIntraOpParallelismThreads(threads).setInterOpParallelismThreads(1).build());
                 Tensor ta = TfTensors.toTensor(random(n, 1), "a");
                 Tensor tb = TfTensors.toTensor(random(n, 2), "b")) {
                s.runner().feed(a, ta).feed(b, tb).fetch(sum).run().close();
                long calls = 0;
                long start = System.nanoTime();
                long end = start + (long) (seconds * 1e9);
                do {
                    s.runner().feed(a, ta).feed(b, tb).fetch(sum).run().close();
                    calls++;
                } while (System.nanoTime() < end);
                double elapsed = (System.nanoTime() - start) / 1e9;
                return calls * 2.0 * n * n * n / elapsed / 1e9;
            }
        }
    }

    private static TensorData random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n * n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return TensorData.ofFloats(new long[] {n, n}, v);
    }
}
