package dev.rsr.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.multibindings.OptionalBinder;
import dev.rsr.engine.RefineConfig;
import dev.rsr.engine.RefineListener;
import dev.rsr.engine.Refiner;
import dev.rsr.inference.InferenceOptions;
import dev.rsr.inference.Predictor;
import dev.rsr.inject.Plugins;
import dev.rsr.inject.RsrModule;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.TensorData;
import dev.rsr.onnx.OnnxFormat;
import dev.rsr.spi.InferenceBackend;
import dev.rsr.spi.TrainingBackend;
import dev.rsr.training.Batch;
import dev.rsr.training.LossSpec;
import dev.rsr.training.TrainingSession;
import dev.rsr.training.TrainingSpec;
import dev.rsr.zoo.Mlp;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's Java example, compiled and run: if this test breaks, the README is wrong. */
class JavaApiExampleTest {

    @Test
    void readmeExample(@TempDir Path dir) {
        Path out = dir.resolve("refined.onnx");
        // --- README: the Java API in ten lines ---
        Injector injector = Guice.createInjector(new RsrModule());              // discovers every plugin, once
        Plugins plugins = injector.getInstance(Plugins.class);
        TrainingBackend backend = injector.getInstance(TrainingBackend.class);  // TensorFlow unless a module overrides it
        ModelGraph model = new Mlp(6, List.of(32, 32), 3, 42).build();
        RefineConfig rsr = RefineConfig.method("rsr").with("importance", "fisher");
        Refiner.Setup setup = new Refiner.Setup(LossSpec.classification(), Set.of(), false, 300, 100, 42, 0);
        try (Refiner refiner = new Refiner(model, backend, plugins, rsr, setup, worker -> clusters(32, new SplittableRandom()))) {
            Refiner.Summary summary = refiner.run(JavaApiExampleTest::accuracy, new RefineListener() { });
            OnnxFormat.write(refiner.export(), out);
            // --- end of the README example ---
            assertTrue(summary.evalAccuracy() > 0.9, "accuracy " + summary.evalAccuracy());
            Batch probe = clusters(50, new SplittableRandom(3));
            InferenceBackend ort = injector.getInstance(InferenceBackend.class);
            try (Predictor served = ort.open(OnnxFormat.read(out), InferenceOptions.defaults())) {
                assertArrayEquals(refiner.session().predict(probe.inputs()).get("probabilities").floats(),
                        served.predict(probe.inputs()).get("probabilities").floats(), 1e-5f);
            }
        }
    }

    /** A user's module replaces the default training backend; every plugin stays bound. */
    @Test
    void aUserModuleReplacesTheTrainingBackend() {
        AtomicInteger opened = new AtomicInteger();
        Injector injector = Guice.createInjector(new RsrModule(), new AbstractModule() {
            @Override
            protected void configure() {
                OptionalBinder.newOptionalBinder(binder(), TrainingBackend.class).setBinding().toInstance(new CountingBackend(opened));
            }
        });
        TrainingBackend backend = injector.getInstance(TrainingBackend.class);
        assertEquals("counting", backend.name());
        ModelGraph model = new Mlp(6, List.of(8), 3, 1).build();
        try (Refiner refiner = new Refiner(model, backend, injector.getInstance(Plugins.class), RefineConfig.method("full"),
                new Refiner.Setup(LossSpec.classification(), Set.of(), false, 5, 5, 1, 1), w -> clusters(8, new SplittableRandom(w)))) {
            refiner.run(JavaApiExampleTest::accuracy, new RefineListener() { });
        }
        assertEquals(1, opened.get());
    }

    /** Wraps the TensorFlow backend and counts the sessions it opens. */
    private record CountingBackend(AtomicInteger opened) implements TrainingBackend {
        @Override
        public String name() {
            return "counting";
        }

        @Override
        public TrainingSession open(ModelGraph model, TrainingSpec spec) {
            opened.incrementAndGet();
            return new dev.rsr.tensorflow.TensorFlowTrainingBackend().open(model, spec);
        }

        @Override
        public Set<String> supportedOps() {
            return new dev.rsr.tensorflow.TensorFlowTrainingBackend().supportedOps();
        }
    }

    /** Three Gaussian clusters in 6-D. */
    static Batch clusters(int n, SplittableRandom r) {
        float[] x = new float[n * 6];
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(3);
            y[i] = c;
            for (int j = 0; j < 6; j++) {
                x[i * 6 + j] = (float) (r.nextGaussian() * 0.5 + (j % 3 == c ? 2 : 0));
            }
        }
        return new Batch(Map.of(Mlp.INPUT, TensorData.ofFloats(new long[] {n, 6}, x)), TensorData.ofLongs(new long[] {n}, y));
    }

    static Refiner.Score accuracy(TrainingSession session) {
        Batch eval = clusters(300, new SplittableRandom(99));
        TrainingSession.Evaluation e = session.evaluate(eval);
        long correct = dev.rsr.engine.Classification.correct(e.outputs().get("logits"), eval.targets());
        return new Refiner.Score(correct / 300.0, e.loss());
    }
}
