package dev.recur.nn.sequence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.recur.nn.Activations;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.nn.recurrent.CellParams;
import dev.recur.tensor.Precision;
import dev.recur.tensor.QuantizedMatrix;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The quantized stack against the float32 stack holding its dequantized weights (same equations,
 * products summed in another order, σ/tanh the same vector code), against its own plain reference
 * (scalar products and {@link Math#exp}/{@link Math#tanh} gates), and on 1 and 2 threads (the same
 * bits).
 */
class QuantizedStackTest {

    private static final int T = 6;
    private static final int B = 3;

    @Test
    void everyCellMatchesTheFloatStackOfItsDequantizedWeights() {
        for (CellKind cell : CellKind.values()) {
            for (QuantizedMatrix.Format f : QuantizedMatrix.Format.values()) {
                RecurrentConfig config = RecurrentConfig.builder(cell, 37, 40).layers(2).build();
                SequenceLayer<float[]> layer = SequenceLayer.create(config, Precision.F32, 11);
                QuantizedStack q = QuantizedStack.of(layer, f, 1);
                // the float stack with the weights as the quantized products see them
                for (int l = 0; l < 2; l++) {
                    CellParams<float[]> p = layer.params(l, 0);
                    copy(q.weightIh(l).dequantize(), p.weightIh().value());
                    copy(q.weightHh(l).dequantize(), p.weightHh().value());
                }
                float[] x = random(new SplittableRandom(2), T * B * 37);
                float[] expected = layer.forward(Activations.sequence(x, T, B, 37), null, false,
                        layer.inferenceWorkspace()).output();
                float[] fast = run(q, x, 37);
                float[] ref = run(q.reference(), x, 37);
                // per step: a product of n <= 80 terms of |w x| <~ 0.2 rounds within 2·80·2^-24·16 ≈ 2e-4
                // in the worst case (1e-6 typical), σ/tanh within 2 ulps; carried over 6 steps and 2 layers
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(expected[i], fast[i], 2e-5, cell + " " + f + " float stack, element " + i);
                    assertEquals(ref[i], fast[i], 2e-5, cell + " " + f + " reference, element " + i);
                }
            }
        }
    }

    @Test
    void oneAndTwoThreadsGiveTheSameBits() {
        // [4·128, 128 + 128] = 2^17 weights: the threshold at which threads share a step
        RecurrentConfig config = RecurrentConfig.builder(CellKind.LSTM, 128, 128).layers(2).build();
        SequenceLayer<float[]> layer = SequenceLayer.create(config, Precision.F32, 3);
        float[] x = random(new SplittableRandom(4), T * B * 128);
        for (QuantizedMatrix.Format f : QuantizedMatrix.Format.values()) {
            assertArrayEquals(run(QuantizedStack.of(layer, f, 1), x, 128), run(QuantizedStack.of(layer, f, 2), x, 128));
        }
    }

    @Test
    void aStateCarriesOverAsInOneRun() {
        RecurrentConfig config = RecurrentConfig.builder(CellKind.LSTM, 8, 12).layers(2).build();
        QuantizedStack q = QuantizedStack.of(SequenceLayer.create(config, Precision.F32, 5),
                QuantizedMatrix.Format.INT8, 1);
        float[] x = random(new SplittableRandom(6), 2 * B * 8);
        QuantizedStack.Runner whole = q.runner(B, null);
        whole.step(x, 0);
        float[] a = whole.step(x, B * 8).clone();
        QuantizedStack.Runner first = q.runner(B, null);
        first.step(x, 0);
        float[] b = q.runner(B, first.state()).step(x, B * 8);
        assertArrayEquals(a, b);
    }

    @Test
    void bidirectionalAndProjectedStacksAreRefused() {
        RecurrentConfig bi = RecurrentConfig.builder(CellKind.GRU, 4, 4).bidirectional(true).build();
        assertThrows(IllegalArgumentException.class, () -> QuantizedStack.of(SequenceLayer.create(bi, Precision.F32,
                1), QuantizedMatrix.Format.INT8, 1));
    }

    private static float[] run(QuantizedStack q, float[] x, int ni) {
        int nh = q.config().hiddenSize();
        float[] out = new float[T * B * nh];
        QuantizedStack.Runner r = q.runner(B, null);
        for (int t = 0; t < T; t++) {
            System.arraycopy(r.step(x, t * B * ni), 0, out, t * B * nh, B * nh);
        }
        return out;
    }

    private static void copy(float[] from, float[] to) {
        System.arraycopy(from, 0, to, 0, to.length);
    }

    private static float[] random(SplittableRandom rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rng.nextDouble(-1, 1);
        }
        return a;
    }
}
