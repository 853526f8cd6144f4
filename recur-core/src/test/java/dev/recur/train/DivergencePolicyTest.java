package dev.recur.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.data.Batch;
import dev.recur.data.Example;
import dev.recur.data.ExampleBatches;
import dev.recur.model.Model;
import dev.recur.model.SequenceModel;
import dev.recur.model.SequenceModelConfig;
import dev.recur.nn.Activations;
import dev.recur.nn.Parameter;
import dev.recur.nn.Pooling;
import dev.recur.nn.loss.MeanSquaredError;
import dev.recur.nn.loss.Reduction;
import dev.recur.nn.sequence.State;
import dev.recur.optim.AdamConfig;
import dev.recur.tensor.Precision;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A NaN put into one gradient at step k: reported at step k naming the parameter and the element,
 * and handled by each policy: stop, skip, or roll back to the last good point with the learning
 * rate halved.
 */
class DivergencePolicyTest {

    static final int K = 5;
    static final String PARAMETER = "net.rnn.weight_hh_l0";
    static final int ROW = 3;
    static final int COLUMN = 2;
    static final int HIDDEN = 6;

    /** Computes as its inner model; its {@code at}-th backward pass leaves NaN in one gradient element. */
    static final class NanGradientAt extends Model<double[]> {
        private final SequenceModel<double[]> inner;
        private final int at;
        private int passes;

        NanGradientAt(SequenceModel<double[]> inner, int at) {
            super(inner.precision());
            this.inner = addChild("net", inner);
            this.at = at;
        }

        @Override
        public Activations<double[]> forward(Batch batch) {
            return inner.forward(batch);
        }

        @Override
        public Activations<double[]> forward(Batch batch, State<double[]> initial) {
            return inner.forward(batch, initial);
        }

        @Override
        public void backward(Activations<double[]> outputGradient) {
            inner.backward(outputGradient);
            if (++passes == at) {
                inner.namedParameters().get("rnn.weight_hh_l0").grad()[ROW * HIDDEN + COLUMN] = Double.NaN;
            }
        }

        @Override
        public State<double[]> finalState() {
            return inner.finalState();
        }
    }

    private static List<Example> examples(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[][] steps = new double[4][2];
            double sum = 0;
            for (double[] s : steps) {
                s[0] = rng.nextGaussian();
                s[1] = rng.nextGaussian();
                sum += s[0];
            }
            out.add(Example.ofFeatures(steps, new Example.Values(new double[]{sum})));
        }
        return out;
    }

    private static Trainer<double[]> trainer(DivergencePolicy policy, double clip) {
        SequenceModel<double[]> net = SequenceModel.create(SequenceModelConfig.builder().features(2).lstm(HIDDEN)
                .pooling(Pooling.Kind.LAST).outputs(1).build(), Precision.F64, 4);
        TrainConfig config = TrainConfig.builder().optimizer(new OptimizerChoice.AdamChoice(AdamConfig.adam().lr(0.01)
                .build())).clipNorm(clip).steps(8).evalEvery(3).onDivergence(policy).seed(4).threads(1).build();
        return Trainer.create(new NanGradientAt(net, K), new MeanSquaredError(Reduction.MEAN),
                ExampleBatches.shuffled(examples(40, 1), 4, 4, 0), ExampleBatches.inOrder(examples(8, 2), 4).all(),
                config);
    }

    private static Map<String, double[]> weights(Trainer<double[]> t) {
        Map<String, double[]> m = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter<double[]>> e : t.model().namedParameters().entrySet()) {
            m.put(e.getKey(), e.getValue().value().clone());
        }
        return m;
    }

    private static void assertSameWeights(Map<String, double[]> expected, Trainer<double[]> t) {
        Map<String, double[]> now = weights(t);
        for (String name : expected.keySet()) {
            assertArrayEquals(expected.get(name), now.get(name), name);
        }
    }

    @ParameterizedTest(name = "clip {0}")
    @ValueSource(doubles = {0, 1})
    void stopReportsTheStepTheParameterAndTheElement(double clip) {
        Trainer<double[]> t = trainer(DivergencePolicy.STOP, clip);
        for (int s = 1; s < K; s++) {
            t.step();
        }
        Map<String, double[]> before = weights(t);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, t::step);
        assertTrue(e.getMessage().startsWith("training diverged at step " + K + ": expected finite gradients, found "
                + "the gradient of " + PARAMETER + "[" + ROW + ", " + COLUMN + "] = NaN; likely cause: "),
                e.getMessage());
        assertSameWeights(before, t);   // the step changed nothing
    }

    @ParameterizedTest(name = "clip {0}")
    @ValueSource(doubles = {0, 1})
    void skipLeavesTheWeightsOfTheStepBeforeAndGoesOn(double clip) {
        Trainer<double[]> t = trainer(DivergencePolicy.SKIP, clip);
        for (int s = 1; s < K; s++) {
            assertNull(t.step().divergence());
        }
        Map<String, double[]> before = weights(t);
        TrainingEvents.Step e = t.step();
        assertTrue(e.skipped());
        assertEquals("expected finite gradients, found the gradient of " + PARAMETER + "[" + ROW + ", " + COLUMN
                + "] = NaN; update skipped", e.divergence());
        assertSameWeights(before, t);
        TrainingEvents.Step next = t.step();
        assertFalse(next.skipped());
        assertEquals(1, t.skipped());
        assertTrue(Double.isNaN(t.trainLossHistory()[K - 1]));
    }

    @ParameterizedTest(name = "clip {0}")
    @ValueSource(doubles = {0, 1})
    void rollbackReturnsToTheLastValidationAndHalvesTheLearningRate(double clip) {
        Trainer<double[]> t = trainer(DivergencePolicy.ROLLBACK, clip);
        Map<String, double[]> atGoodPoint = null;
        double lr = 0;
        for (int s = 1; s < K; s++) {
            lr = t.step().learningRate();
            if (s == 3) {
                t.validate();               // the last good point: step 3
                atGoodPoint = weights(t);
            }
        }
        TrainingEvents.Step e = t.step();
        assertTrue(e.skipped());
        assertTrue(e.divergence().endsWith("rolled back to step 3, learning rate now 0.5 of the schedule's"),
                e.divergence());
        assertSameWeights(atGoodPoint, t);
        // the steps since the good point no longer count: NaN in the history, counted as skipped
        double[] history = t.trainLossHistory();
        assertTrue(Double.isFinite(history[2]));
        assertTrue(Double.isNaN(history[3]) && Double.isNaN(history[4]));
        assertEquals(2, t.skipped());
        assertEquals(0.5, t.state().learningRateScale());
        TrainingEvents.Step next = t.step();
        assertEquals(lr / 2, next.learningRate(), 1e-15, "constant schedule, halved");
        assertNotEquals(atGoodPoint.get(PARAMETER)[0], weights(t).get(PARAMETER)[0], "training goes on");
        assertEquals(t.stepCount() - t.skipped(), t.state().optimizer().steps(), "the state stays consistent");
    }
}
