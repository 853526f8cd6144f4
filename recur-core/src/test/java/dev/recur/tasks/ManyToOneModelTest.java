package dev.recur.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.nn.FiniteDifference;
import dev.recur.nn.Parameter;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.nn.recurrent.GruGate;
import dev.recur.nn.recurrent.LstmGate;
import dev.recur.nn.sequence.InputGradients;
import dev.recur.nn.sequence.RecurrentConfig;
import dev.recur.nn.Activations;
import dev.recur.tensor.Precision;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The many-to-one model: gradients against finite differences in float64, readout, precision copies, chrono init. */
class ManyToOneModelTest {

    private static final int NT = 5;
    private static final int NB = 3;
    private static final int NI = 3;
    private static final int NH = 3;

    private static TaskBatch batch(Objective objective, int outputs, int[] lengths, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] x = FiniteDifference.uniform(rng, NT * NB * NI, 1.0);
        if (lengths != null) {
            for (int t = 0; t < NT; t++) {
                for (int b = 0; b < NB; b++) {
                    if (t >= lengths[b]) {
                        for (int i = 0; i < NI; i++) {
                            x[(t * NB + b) * NI + i] = 0;
                        }
                    }
                }
            }
        }
        if (objective == Objective.REGRESSION) {
            return new TaskBatch(x, NT, NB, NI, lengths, FiniteDifference.uniform(rng, NB * outputs, 1.0), null);
        }
        int[] labels = new int[NB];
        for (int b = 0; b < NB; b++) {
            labels[b] = rng.nextInt(outputs);
        }
        return new TaskBatch(x, NT, NB, NI, lengths, null, labels);
    }

    private static void gradCheck(CellKind cell, Objective objective, int outputs, int[] lengths) {
        RecurrentConfig rnn = RecurrentConfig.builder(cell, NI, NH).build();
        ManyToOneConfig config = ManyToOneConfig.builder(rnn, outputs, objective).chronoHorizon(8).build();
        ManyToOneModel<double[]> model = ManyToOneModel.create(config, Precision.F64, 11);
        TaskBatch data = batch(objective, outputs, lengths, 4);
        Activations<double[]> in = data.sequences(Precision.F64);

        model.zeroGrad();
        ManyToOneOutput<double[]> out = model.forward(in, true);
        double[] dPred = new double[NB * outputs];
        model.loss(out, data, dPred);
        InputGradients<double[]> g = model.backward(out, dPred);

        FiniteDifference fd = new FiniteDifference();
        for (Map.Entry<String, Parameter<double[]>> e : model.namedParameters().entrySet()) {
            fd.check(e.getKey(), e.getValue().value(), e.getValue().grad().clone(),
                    () -> model.loss(model.forward(in, false), data, null));
        }
        fd.check("x", in.values(), g.dx(), () -> model.loss(model.forward(in, false), data, null));
        fd.assertPassed(cell.id() + " " + objective);
    }

    @Test
    void lstmRegressionGradientsMatchFiniteDifferences() {
        gradCheck(CellKind.LSTM, Objective.REGRESSION, 2, null);
    }

    @Test
    void gruClassificationWithLengthsGradientsMatchFiniteDifferences() {
        gradCheck(CellKind.GRU, Objective.CLASSIFICATION, 3, new int[] {5, 3, 1});
    }

    @Test
    void rnnClassificationWithLengthsGradientsMatchFiniteDifferences() {
        gradCheck(CellKind.RNN_TANH, Objective.CLASSIFICATION, 2, new int[] {2, 5, 4});
    }

    @Test
    void readsEachSequenceAtItsOwnLastStep() {
        RecurrentConfig rnn = RecurrentConfig.builder(CellKind.LSTM, NI, NH).build();
        ManyToOneModel<double[]> model = ManyToOneModel.create(
                ManyToOneConfig.builder(rnn, 2, Objective.CLASSIFICATION).build(), Precision.F64, 2);
        int[] lengths = {5, 3, 1};
        TaskBatch data = batch(Objective.CLASSIFICATION, 2, lengths, 8);
        ManyToOneOutput<double[]> out = model.forward(data.sequences(Precision.F64), false);
        assertEquals(java.util.List.of(4, 2, 0), java.util.Arrays.stream(out.readSteps()).boxed().toList());
        for (int b = 0; b < NB; b++) {
            for (int j = 0; j < NH; j++) {
                // the final state is taken at each sequence's own last step, as is the feature
                assertEquals(out.sequence().finalState().h()[b * NH + j], out.features()[b * NH + j]);
            }
        }
        ManyToOneModel<double[]> last = ManyToOneModel.create(
                ManyToOneConfig.builder(rnn, 2, Objective.CLASSIFICATION).readout(Readout.LAST_STEP).build(),
                Precision.F64, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> last.forward(data.sequences(Precision.F64), false));
        assertTrue(e.getMessage().contains("Readout.AT_LENGTH"), e.getMessage());
    }

    @Test
    void copyToAnotherPrecisionPredictsTheSame() {
        RecurrentConfig rnn = RecurrentConfig.builder(CellKind.GRU, NI, NH).build();
        ManyToOneModel<float[]> model = ManyToOneModel.create(
                ManyToOneConfig.builder(rnn, 1, Objective.REGRESSION).build(), Precision.F32, 5);
        ManyToOneModel<double[]> copy = model.copyTo(Precision.F64);
        TaskBatch data = batch(Objective.REGRESSION, 1, null, 1);
        float[] a = model.forward(data.sequences(Precision.F32), false).predictions();
        double[] b = copy.forward(data.sequences(Precision.F64), false).predictions();
        for (int i = 0; i < a.length; i++) {
            assertEquals(b[i], a[i], 1e-5);
        }
        assertEquals(model.namedParameters().keySet(), copy.namedParameters().keySet());
    }

    @Test
    void chronoInitialisationSpreadsGateTimeScales() {
        int horizon = 50;
        RecurrentConfig lstm = RecurrentConfig.builder(CellKind.LSTM, NI, 16).build();
        ManyToOneModel<double[]> m = ManyToOneModel.create(
                ManyToOneConfig.builder(lstm, 1, Objective.REGRESSION).chronoHorizon(horizon).build(), Precision.F64, 3);
        double[] bih = m.rnn().params(0, 0).biasIh().value();
        double[] bhh = m.rnn().params(0, 0).biasHh().value();
        for (int j = 0; j < 16; j++) {
            double f = bih[LstmGate.FORGET.offset(16) + j];
            assertTrue(f >= 0 && f <= Math.log(horizon - 1), "forget bias " + f);
            assertEquals(-f, bih[LstmGate.INPUT.offset(16) + j]);
            assertEquals(0, bhh[LstmGate.FORGET.offset(16) + j]);
            assertEquals(0, bhh[LstmGate.INPUT.offset(16) + j]);
        }
        RecurrentConfig gru = RecurrentConfig.builder(CellKind.GRU, NI, 16).build();
        ManyToOneModel<double[]> g = ManyToOneModel.create(
                ManyToOneConfig.builder(gru, 1, Objective.REGRESSION).chronoHorizon(horizon).build(), Precision.F64, 3);
        double[] zb = g.rnn().params(0, 0).biasIh().value();
        for (int j = 0; j < 16; j++) {
            double z = zb[GruGate.UPDATE.offset(16) + j];
            assertTrue(z >= 0 && z <= Math.log(horizon - 1), "update bias " + z);
        }
    }

    @Test
    void badConfigurationsAndBatchesSayWhatWasExpected() {
        RecurrentConfig rnn = RecurrentConfig.builder(CellKind.LSTM, NI, NH).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ManyToOneConfig.builder(rnn, 1, Objective.CLASSIFICATION).build());
        assertTrue(e.getMessage().contains("expected >= 2"), e.getMessage());
        ManyToOneModel<double[]> model = ManyToOneModel.create(
                ManyToOneConfig.builder(rnn, 2, Objective.CLASSIFICATION).build(), Precision.F64, 1);
        TaskBatch regression = batch(Objective.REGRESSION, 2, null, 1);
        ManyToOneOutput<double[]> out = model.forward(regression.sequences(Precision.F64), false);
        e = assertThrows(IllegalArgumentException.class, () -> model.loss(out, regression, null));
        assertTrue(e.getMessage().contains("another task"), e.getMessage());
    }
}
