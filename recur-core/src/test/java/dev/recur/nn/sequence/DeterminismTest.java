package dev.recur.nn.sequence;

import dev.recur.nn.Activations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.nn.Parameter;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.tensor.Precision;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Same seed, same bits; dropout only in training, with the configured rate. */
class DeterminismTest {

    private static final int T = 7;
    private static final int B = 4;
    private static final int I = 5;
    private static final int H = 6;

    /** Bit-for-bit equality of two raw arrays ({@code double[]} or {@code float[]}). */
    static boolean bitEqual(Object a, Object b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a instanceof double[] da && b instanceof double[] db) {
            return Arrays.equals(da, db);
        }
        if (a instanceof float[] fa && b instanceof float[] fb) {
            return Arrays.equals(fa, fb);
        }
        throw new AssertionError("not comparable: " + a.getClass() + ", " + b.getClass());
    }

    private static RecurrentConfig config(CellKind cell, double dropout) {
        RecurrentConfig.Builder b = RecurrentConfig.builder(cell, I, H).layers(3).bidirectional(true).dropout(dropout);
        if (cell == CellKind.LSTM) {
            b.projSize(4);
        }
        return b.build();
    }

    static Stream<Arguments> kindsAndPrecisions() {
        List<Arguments> out = new ArrayList<>();
        for (CellKind cell : CellKind.values()) {
            out.add(Arguments.of(cell, Precision.F64));
            out.add(Arguments.of(cell, Precision.F32));
        }
        return out.stream();
    }

    // ------------------------------------------------------------------------------------------
    // parameters

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("kindsAndPrecisions")
    <A> void sameSeedGivesBitIdenticalParameters(CellKind cell, Precision<A> precision) {
        RecurrentConfig config = config(cell, 0);
        List<Parameter<A>> a = SequenceLayer.create(config, precision, 1234).parameters();
        List<Parameter<A>> b = SequenceLayer.create(config, precision, 1234).parameters();
        List<Parameter<A>> other = SequenceLayer.create(config, precision, 1235).parameters();
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).name(), b.get(i).name());
            assertTrue(bitEqual(a.get(i).value(), b.get(i).value()), a.get(i).name() + " differs for the same seed");
            assertFalse(bitEqual(a.get(i).value(), other.get(i).value()),
                    a.get(i).name() + " is identical for seeds 1234 and 1235");
        }
    }

    @Test
    void float32ParametersAreTheFloat64DrawsRounded() {
        for (CellKind cell : CellKind.values()) {
            RecurrentConfig config = config(cell, 0);
            List<Parameter<double[]>> d = SequenceLayer.create(config, Precision.F64, 77).parameters();
            List<Parameter<float[]>> f = SequenceLayer.create(config, Precision.F32, 77).parameters();
            for (int i = 0; i < d.size(); i++) {
                double[] dv = d.get(i).value();
                float[] fv = f.get(i).value();
                for (int j = 0; j < dv.length; j++) {
                    assertEquals((float) dv[j], fv[j], 0f, cell + " " + d.get(i).name() + "[" + j + "]");
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // forward + backward

    /** Everything one training forward + backward produces. */
    private record Run<A>(A y, State<A> fin, A dx, State<A> d0, List<A> grads, List<Object> masks) {
    }

    private static <A> Run<A> run(CellKind cell, Precision<A> precision, long seed, double dropout, boolean training) {
        RecurrentConfig config = config(cell, dropout);
        SequenceLayer<A> layer = SequenceLayer.create(config, precision, seed);
        return run(layer, training, 99);
    }

    private static <A> Run<A> run(SequenceLayer<A> layer, boolean training, long dataSeed) {
        return run(layer, training, dataSeed, true);
    }

    private static <A> Run<A> run(SequenceLayer<A> layer, boolean training, long dataSeed, boolean inputGradient) {
        RecurrentConfig config = layer.config();
        Precision<A> precision = layer.precision();
        SplittableRandom rng = new SplittableRandom(dataSeed);
        A x = precision.fromDoubles(SequenceFixtures.uniform(rng, T * B * I, 1));
        int[] lengths = {T, 3, 1, 6};
        State<double[]> h0 = SequenceFixtures.randomState(config, B, rng, 0.5);
        State<A> initial = new State<>(precision.fromDoubles(h0.h()),
                h0.c() == null ? null : precision.fromDoubles(h0.c()));
        A gy = precision.fromDoubles(SequenceFixtures.uniform(rng, T * B * config.directions() * config.outputSize(), 1));
        layer.zeroGrad();
        SequenceOutput<A> out = layer.forward(Activations.sequence(x, T, B, layer.config().inputSize(), lengths), initial, training);
        InputGradients<A> g = layer.backward(out.tape(), gy, null, inputGradient);
        List<A> grads = new ArrayList<>();
        for (Parameter<A> p : layer.parameters()) {
            A copy = precision.kernels().alloc(p.size());
            precision.kernels().copy(p.grad(), 0, copy, 0, p.size());
            grads.add(copy);
        }
        List<Object> masks = new ArrayList<>();
        for (int l = 0; l < config.numLayers(); l++) {
            masks.add(out.tape().dropoutMask(l));
        }
        return new Run<>(out.output(), out.finalState(), g.dx(), g.initialState(), grads, masks);
    }

    private static <A> void assertBitEqual(String what, Run<A> a, Run<A> b) {
        assertTrue(bitEqual(a.y(), b.y()), what + ": output");
        assertTrue(bitEqual(a.fin().h(), b.fin().h()), what + ": final h");
        assertTrue(bitEqual(a.fin().c(), b.fin().c()), what + ": final c");
        assertTrue(bitEqual(a.dx(), b.dx()), what + ": dx");
        assertTrue(bitEqual(a.d0().h(), b.d0().h()), what + ": dh0");
        assertTrue(bitEqual(a.d0().c(), b.d0().c()), what + ": dc0");
        for (int i = 0; i < a.grads().size(); i++) {
            assertTrue(bitEqual(a.grads().get(i), b.grads().get(i)), what + ": parameter gradient " + i);
        }
        for (int l = 0; l < a.masks().size(); l++) {
            assertTrue(bitEqual(a.masks().get(l), b.masks().get(l)), what + ": dropout mask of layer " + l);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("kindsAndPrecisions")
    <A> void trainingWithDropoutIsBitReproducibleFromTheSeed(CellKind cell, Precision<A> precision) {
        Run<A> a = run(cell, precision, 42, 0.3, true);
        Run<A> b = run(cell, precision, 42, 0.3, true);
        assertNull(a.masks().get(0), "no dropout before the first layer");
        assertNotNull(a.masks().get(1), "dropout before layer 1");
        assertNotNull(a.masks().get(2), "dropout before layer 2");
        assertBitEqual(cell + " " + precision + " fresh layers, same seed", a, b);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("kindsAndPrecisions")
    <A> void skippingTheInputGradientChangesNoOtherGradient(CellKind cell, Precision<A> precision) {
        SequenceLayer<A> a = SequenceLayer.create(config(cell, 0.3), precision, 17);
        SequenceLayer<A> b = SequenceLayer.create(config(cell, 0.3), precision, 17);
        Run<A> full = run(a, true, 4, true);
        Run<A> noDx = run(b, true, 4, false);
        assertNotNull(full.dx());
        assertNull(noDx.dx(), "dx is not computed when not asked for");
        assertBitEqual(cell + " " + precision + " without dx", new Run<>(full.y(), full.fin(), null, full.d0(),
                full.grads(), full.masks()), noDx);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("kindsAndPrecisions")
    <A> void differentSeedGivesDifferentMasksWithTheSameWeights(CellKind cell, Precision<A> precision) {
        RecurrentConfig config = config(cell, 0.3);
        SequenceLayer<A> a = SequenceLayer.create(config, precision, 42);
        SequenceLayer<A> b = SequenceLayer.create(config, precision, 43);
        SequenceFixtures.copyWeights(a, b);
        Run<A> ra = run(a, true, 5);
        Run<A> rb = run(b, true, 5);
        for (int l = 1; l < config.numLayers(); l++) {
            assertFalse(bitEqual(ra.masks().get(l), rb.masks().get(l)), "mask of layer " + l + " for seeds 42, 43");
        }
        assertFalse(bitEqual(ra.y(), rb.y()), "training outputs for seeds 42 and 43");
        // without dropout the two are the same function
        assertTrue(bitEqual(run(a, false, 5).y(), run(b, false, 5).y()), "inference outputs with copied weights");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("kindsAndPrecisions")
    <A> void dropoutActsOnlyInTraining(CellKind cell, Precision<A> precision) {
        SequenceLayer<A> withDropout = SequenceLayer.create(config(cell, 0.3), precision, 8);
        SequenceLayer<A> without = SequenceLayer.create(config(cell, 0), precision, 8);
        SequenceFixtures.copyWeights(withDropout, without);
        Run<A> eval = run(withDropout, false, 6);
        assertEquals(0, withDropout.draws(), "inference passes draw no masks");
        for (Object m : eval.masks()) {
            assertNull(m, "no mask in inference");
        }
        Run<A> plain = run(without, true, 6);
        assertBitEqual(cell + " inference with dropout 0.3 vs training with dropout 0", eval, plain);
        Run<A> train = run(withDropout, true, 6);
        assertEquals(1, withDropout.draws());
        assertFalse(bitEqual(eval.y(), train.y()), "training output with dropout equals the inference output");
    }

    @Test
    void successivePassesDrawNewMasksAndThePassCounterReplaysThem() {
        SequenceLayer<double[]> layer = SequenceLayer.create(config(CellKind.GRU, 0.3), Precision.F64, 3);
        Run<double[]> first = run(layer, true, 1);
        Run<double[]> second = run(layer, true, 1);
        assertEquals(2, layer.draws());
        assertFalse(Arrays.equals((double[]) first.masks().get(1), (double[]) second.masks().get(1)),
                "the second pass reused the first pass's mask");
        layer.setDraws(0);
        assertBitEqual("replayed pass 0", first, run(layer, true, 1));
        assertBitEqual("replayed pass 1", second, run(layer, true, 1));
    }

    @Test
    void validationFailureDoesNotAdvanceTheDropoutCounter() {
        SequenceLayer<double[]> layer = SequenceLayer.create(config(CellKind.RNN_TANH, 0.3), Precision.F64, 3);
        try {
            layer.forward(Activations.sequence(new double[T * B * (I + 1)], T, B, layer.config().inputSize()), null, true);
        } catch (IllegalArgumentException expected) {
            // the shape error is the point; the counter must not move
        }
        assertEquals(0, layer.draws());
    }

    // ------------------------------------------------------------------------------------------
    // dropout statistics

    @Test
    void dropoutZeroesAboutTheConfiguredFractionAndScalesTheRest() {
        int nt = 100;
        int nb = 20;
        int nh = 16;
        for (double p : new double[] {0.1, 0.3, 0.5, 0.8}) {
            RecurrentConfig config = RecurrentConfig.builder(CellKind.RNN_TANH, 3, nh).layers(3).dropout(p).build();
            SequenceLayer<double[]> layer = SequenceLayer.create(config, Precision.F64, 17);
            double[] x = SequenceFixtures.uniform(new SplittableRandom(2), nt * nb * 3, 1);
            Tape<double[]> tape = layer.forward(Activations.sequence(x, nt, nb, layer.config().inputSize()), null, true).tape();
            for (int l = 1; l < 3; l++) {
                double[] mask = tape.dropoutMask(l);
                double[] in = tape.input(l);
                int n = nt * nb * nh;
                assertEquals(n, mask.length);
                int zeros = 0;
                int zeroInputs = 0;
                for (int i = 0; i < n; i++) {
                    if (mask[i] == 0) {
                        zeros++;
                    } else {
                        assertEquals(1 / (1 - p), mask[i], 0.0, "kept elements are scaled by 1/(1-p)");
                    }
                    if (in[i] == 0) {
                        zeroInputs++;
                        assertEquals(0.0, mask[i], 0.0, "a layer input is 0 only where the mask is 0 (tanh outputs"
                                + " are almost surely nonzero)");
                    }
                }
                double fraction = zeros / (double) n;
                double sigma = Math.sqrt(p * (1 - p) / n);
                System.out.printf("dropout p=%.1f layer %d: zeroed %.4f of %d inputs (5 sigma = %.4f)%n",
                        p, l, fraction, n, 5 * sigma);
                assertEquals(p, fraction, 5 * sigma, "fraction of zeroed inputs of layer " + l);
                assertEquals(zeros, zeroInputs, "zeroed layer inputs");
            }
        }
    }

    @Test
    void backwardThroughDropoutZeroesTheGradientOfDroppedInputs() {
        // with one layer above, dL/d(layer-0 output) = mask ⊙ dL/d(layer-1 input): check through the
        // layer-0 state gradient that the dropped positions pass nothing down
        RecurrentConfig config = RecurrentConfig.builder(CellKind.RNN_TANH, 2, 3).layers(2).dropout(0.5).build();
        SequenceLayer<double[]> layer = SequenceLayer.create(config, Precision.F64, 4);
        int nt = 1;
        int nb = 64;
        double[] x = SequenceFixtures.uniform(new SplittableRandom(8), nt * nb * 2, 1);
        SequenceOutput<double[]> out = layer.forward(Activations.sequence(x, nt, nb, layer.config().inputSize()), null, true);
        double[] mask = out.tape().dropoutMask(1);
        layer.zeroGrad();
        double[] gy = SequenceFixtures.uniform(new SplittableRandom(9), nt * nb * 3, 1);
        InputGradients<double[]> g = layer.backward(out.tape(), gy, null);
        // T = 1: the layer-0 step's output is only read by layer 1, so a sequence whose three layer-1
        // inputs were all dropped gets dx = 0 and dh0(layer 0) = 0
        int allDropped = 0;
        for (int b = 0; b < nb; b++) {
            boolean dropped = mask[b * 3] == 0 && mask[b * 3 + 1] == 0 && mask[b * 3 + 2] == 0;
            if (dropped) {
                allDropped++;
                for (int i = 0; i < 2; i++) {
                    assertEquals(0.0, g.dx()[b * 2 + i], 0.0, "dx of sequence " + b + " whose layer-1 inputs were dropped");
                }
                for (int j = 0; j < 3; j++) {
                    assertEquals(0.0, g.initialState().h()[b * 3 + j], 0.0, "layer-0 dh0 of sequence " + b);
                }
            }
        }
        assertTrue(allDropped > 0, "the test needs at least one fully dropped sequence");
    }
}
