package dev.recur.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.recur.tensor.Precision;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/**
 * Finite differences (float64, at most {@link FiniteDifference#TOLERANCE}) of the {@link Layer}
 * forms of the layers that were plain functions before: {@link Embedding} (with a padding index),
 * {@link Linear} (per step and per sequence) and {@link Dropout} (in training, its mask held fixed),
 * each for one step of one sequence and for sequences of their own lengths.
 */
class LayerFormGradientTest {

    private static final int[] LENGTHS = {4, 1, 3};

    @Test
    void embeddingWithAPaddingIndex() {
        for (int[] shape : new int[][] {{1, 1}, {4, 3}}) {
            int nt = shape[0];
            int nb = shape[1];
            int[] lengths = nb == 1 ? null : LENGTHS;
            SplittableRandom rng = new SplittableRandom(21 + nt);
            Embedding<double[]> e = Embedding.create(Precision.F64, 6, 3, 0, rng);
            // every id, the padding id 0 included at a valid step and at the padding steps
            int[] ids = new int[nt * nb];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = i % 6;
            }
            Tokens tokens = new Tokens(ids, nt, nb, lengths);
            Activations<double[]> y = e.forward(tokens);
            assertArrayEquals(lengths, y.lengths(), "the output keeps the lengths");
            double[] g = FiniteDifference.uniform(rng, y.values().length, 1);
            e.zeroGrad();
            assertNull(e.backward(y.with(g, 3)), "token ids have no gradient");
            double[] analytic = e.weight().grad().clone();
            DoubleSupplier s = () -> FiniteDifference.dot(e.forward(tokens).values(), g);
            // PyTorch's padding_idx: the padding row gets no gradient, though its vector is used
            for (int j = 0; j < 3; j++) {
                assertEquals(0, Double.doubleToRawLongBits(analytic[j]), "padding row gradient");
            }
            double[] rest = Arrays.copyOfRange(e.weight().value(), 3, 18);
            new FiniteDifference().check("weight rows 1..5", rest, Arrays.copyOfRange(analytic, 3, 18), () -> {
                System.arraycopy(rest, 0, e.weight().value(), 3, 15);
                return s.getAsDouble();
            }).assertPassed("embedding T=" + nt + " B=" + nb);
        }
    }

    @Test
    void linearPerStepAndPerSequence() {
        SplittableRandom rng = new SplittableRandom(31);
        for (boolean bias : new boolean[] {true, false}) {
            Linear<double[]> l = Linear.create(Precision.F64, 4, 3, bias, rng);
            LayerChecks.gradCheck("linear T=1 B=1", l, LayerChecks.sequence(rng, 1, 1, 4, null), 1);
            Activations<double[]> dx = LayerChecks.gradCheck("linear lengths", l,
                    LayerChecks.sequence(rng, 4, 3, 4, LENGTHS), 2);
            assertArrayEquals(LENGTHS, dx.lengths(), "the input gradient keeps the lengths");
            LayerChecks.gradCheck("linear per sequence B=1", l,
                    Activations.perSequence(FiniteDifference.uniform(rng, 4, 1), 1, 4), 3);
            LayerChecks.gradCheck("linear per sequence B=3", l,
                    Activations.perSequence(FiniteDifference.uniform(rng, 12, 1), 3, 4), 4);
        }
    }

    @Test
    void dropoutInTrainingWithItsMaskHeldFixed() {
        SplittableRandom rng = new SplittableRandom(41);
        for (Activations<double[]> x : new Activations[] {LayerChecks.sequence(rng, 1, 1, 5, null),
                LayerChecks.sequence(rng, 4, 3, 5, LENGTHS)}) {
            Dropout<double[]> d = new Dropout<>(Precision.F64, 0.4, 7);
            d.setTraining(true);
            d.setDraws(3);
            Activations<double[]> y = d.forward(x);
            double[] g = FiniteDifference.uniform(rng, y.values().length, 1);
            double[] dx = d.backward(y.with(g.clone(), y.width())).values();
            DoubleSupplier s = () -> {
                d.setDraws(3);   // the same mask on every evaluation
                return FiniteDifference.dot(d.forward(x).values(), g);
            };
            new FiniteDifference().check("x", x.values(), dx, s)
                    .assertPassed("dropout T=" + x.steps() + " B=" + x.batch());
        }
    }
}
