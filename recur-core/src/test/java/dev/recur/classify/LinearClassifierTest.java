package dev.recur.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.data.Batch;
import dev.recur.data.Example;
import dev.recur.data.ExampleBatches;
import dev.recur.model.Predictions;
import dev.recur.nn.Activations;
import dev.recur.nn.FiniteDifference;
import dev.recur.nn.Parameter;
import dev.recur.nn.loss.CrossEntropy;
import dev.recur.nn.loss.Metric;
import dev.recur.optim.AdamConfig;
import dev.recur.tensor.Precision;
import dev.recur.train.OptimizerChoice;
import dev.recur.train.TrainConfig;
import dev.recur.train.Trainer;
import dev.recur.train.TrainingEvents;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/**
 * The linear baseline: its logits, its gradients against finite differences in float64, and
 * training by the one {@link Trainer} on a linearly separable set.
 */
class LinearClassifierTest {

    private static final CrossEntropy LOSS = CrossEntropy.mean();

    private static List<Example> randomExamples(int n, int d, int k, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(LinearClassifier.example(FiniteDifference.uniform(rng, d, 2), rng.nextInt(k)));
        }
        return out;
    }

    @Test
    void theLogitsAreAnAffineMapOfTheVector() {
        LinearClassifier<double[]> m = LinearClassifier.create(Precision.F64, 3, 2, 7);
        assertEquals(List.of("linear.weight", "linear.bias"), List.copyOf(m.namedParameters().keySet()));
        double[] w = m.linear().weight().value();
        double[] b = m.linear().bias().value();
        double[] x0 = {1, -2, 0.5};
        double[] x1 = {0, 3, -1};
        Batch batch = ExampleBatches.batch(List.of(LinearClassifier.example(x0, 0), LinearClassifier.example(x1, 1)));
        Activations<double[]> out = m.forward(batch);
        assertEquals(0, out.steps(), "one row per sequence");
        assertEquals(2, out.batch());
        assertEquals(2, out.width());
        double[] expected = new double[4];
        double[][] xs = {x0, x1};
        for (int r = 0; r < 2; r++) {
            for (int c = 0; c < 2; c++) {
                // logit = x · w_c + b_c
                expected[r * 2 + c] = b[c] + w[c * 3] * xs[r][0] + w[c * 3 + 1] * xs[r][1] + w[c * 3 + 2] * xs[r][2];
            }
        }
        assertArrayEquals(expected, out.values(), 1e-15);
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        LinearClassifier<double[]> m = LinearClassifier.create(Precision.F64, 5, 3, 11);
        Batch batch = ExampleBatches.batch(randomExamples(6, 5, 3, 12));
        Activations<double[]> out = m.forward(batch);
        double[] dOut = new double[out.rows() * out.width()];
        LOSS.compute(Precision.F64, out, batch.targets(), dOut);
        m.zeroGrad();
        m.backward(out.with(dOut, out.width()));
        Map<String, double[]> grads = new LinkedHashMap<>();
        m.namedParameters().forEach((name, p) -> grads.put(name, p.grad().clone()));

        DoubleSupplier f = () -> LOSS.compute(Precision.F64, m.forward(batch), batch.targets(), null).value();
        FiniteDifference fd = new FiniteDifference();
        for (Map.Entry<String, Parameter<double[]>> e : m.namedParameters().entrySet()) {
            fd.check(e.getKey(), e.getValue().value(), grads.get(e.getKey()), f);
        }
        assertEquals(5 * 3 + 3, fd.checked());
        fd.assertPassed("linear classifier");
    }

    @Test
    void float32ComputesWhatFloat64Does() {
        LinearClassifier<double[]> m64 = LinearClassifier.create(Precision.F64, 4, 3, 5);
        LinearClassifier<float[]> m32 = LinearClassifier.create(Precision.F32, 4, 3, 5);
        Batch batch = ExampleBatches.batch(randomExamples(4, 4, 3, 6));
        double[] y64 = m64.forward(batch).values();
        float[] y32 = m32.forward(batch).values();
        for (int i = 0; i < y64.length; i++) {
            assertEquals(y64[i], y32[i], 1e-5);
        }
    }

    @Test
    void itLearnsALinearlySeparableSetPerfectly() throws IOException {
        // class 1 iff x0 + 2·x1 > 0, with a margin of at least 0.25
        SplittableRandom rng = new SplittableRandom(3);
        List<Example> examples = new ArrayList<>();
        while (examples.size() < 60) {
            double x0 = 4 * rng.nextDouble() - 2;
            double x1 = 4 * rng.nextDouble() - 2;
            double s = x0 + 2 * x1;
            if (Math.abs(s) >= 0.25) {
                examples.add(LinearClassifier.example(new double[] {x0, x1}, s > 0 ? 1 : 0));
            }
        }
        LinearClassifier<double[]> model = LinearClassifier.create(Precision.F64, 2, 2, 4);
        TrainConfig config = TrainConfig.builder()
                .optimizer(new OptimizerChoice.AdamChoice(AdamConfig.adam().lr(0.1).build()))
                .steps(400).evalEvery(100).checkpointEvery(0).metrics(List.of(Metric.ACCURACY)).seed(1).threads(1)
                .build();
        List<Batch> validation = ExampleBatches.inOrder(examples, 16).all();
        Trainer<double[]> trainer = Trainer.create(model, LOSS, ExampleBatches.shuffled(examples, 8, 1, 0),
                validation, config);
        TrainingEvents.Summary summary = trainer.train();
        assertEquals(400, summary.steps());
        assertEquals(1.0, summary.validation().metrics().get("accuracy"), 0);

        Batch all = ExampleBatches.batch(examples);
        int[] predicted = Predictions.classes(model, all);
        int[] actual = new int[examples.size()];
        for (int i = 0; i < actual.length; i++) {
            actual[i] = ((Example.Label) examples.get(i).target()).id();
        }
        ClassificationReport report = ClassificationReport.of(List.of("negative", "positive"), actual, predicted);
        assertEquals(1.0, report.accuracy(), 0);
        assertEquals(1.0, report.macroF1(), 0);
    }

    @Test
    void inputsOfAnotherShapeAreRefused() {
        LinearClassifier<double[]> m = LinearClassifier.create(Precision.F64, 2, 3, 1);
        String width = assertThrows(IllegalArgumentException.class, () -> m.forward(ExampleBatches.batch(
                List.of(LinearClassifier.example(new double[] {1, 2, 3}, 0))))).getMessage();
        assertTrue(width.contains("expected 2 features, found 3"), width);
        String steps = assertThrows(IllegalArgumentException.class, () -> m.forward(ExampleBatches.batch(
                List.of(Example.ofFeatures(new double[][] {{1, 2}, {3, 4}}, new Example.Label(0)))))).getMessage();
        assertTrue(steps.contains("expected one step per sequence (T = 1), found T = 2"), steps);
        String tokens = assertThrows(IllegalArgumentException.class,
                () -> m.forward(ExampleBatches.batch(List.of(Example.ofTokens(new int[] {1}, 0))))).getMessage();
        assertTrue(tokens.contains("found token ids"), tokens);
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> LinearClassifier.create(Precision.F64, 2, 1, 1)).getMessage().contains("expected K >= 2"));
    }
}
