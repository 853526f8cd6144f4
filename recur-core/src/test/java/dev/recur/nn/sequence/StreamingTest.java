package dev.recur.nn.sequence;

import dev.recur.nn.Activations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.nn.recurrent.CellKind;
import dev.recur.tensor.Precision;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Step-by-step streaming equals the whole-sequence forward pass. */
class StreamingTest {

    private static final int T = 50;
    private static final int B = 3;
    private static final int I = 4;
    private static final int H = 6;
    private static final double REL = 1e-12;

    static Stream<Arguments> configs() {
        return Stream.of(
                Arguments.of("lstm", RecurrentConfig.builder(CellKind.LSTM, I, H).layers(2).build()),
                Arguments.of("lstm proj=3", RecurrentConfig.builder(CellKind.LSTM, I, H).layers(2).projSize(3).build()),
                Arguments.of("gru", RecurrentConfig.builder(CellKind.GRU, I, H).layers(2).build()),
                Arguments.of("rnn_tanh", RecurrentConfig.builder(CellKind.RNN_TANH, I, H).layers(2).build()),
                Arguments.of("rnn_relu", RecurrentConfig.builder(CellKind.RNN_RELU, I, H).layers(2).build()),
                // dropout only acts in training; a stream runs in inference mode
                Arguments.of("lstm dropout=0.5", RecurrentConfig.builder(CellKind.LSTM, I, H).layers(2).dropout(0.5)
                        .build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void steppingMatchesWholeSequenceFromRandomState(String name, RecurrentConfig config) {
        check(name, config, true);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void steppingMatchesWholeSequenceFromZeroState(String name, RecurrentConfig config) {
        check(name, config, false);
    }

    private static void check(String name, RecurrentConfig config, boolean randomInitial) {
        SequenceLayer<double[]> layer = SequenceLayer.create(config, Precision.F64, 31);
        SplittableRandom rng = new SplittableRandom(name.hashCode());
        double[] x = SequenceFixtures.uniform(rng, T * B * I, 1.5);
        State<double[]> initial = randomInitial ? SequenceFixtures.randomState(config, B, rng, 1) : null;
        SequenceOutput<double[]> full = layer.forward(Activations.sequence(x, T, B, layer.config().inputSize()), initial, false);

        SequenceLayer.Stream<double[]> stream = layer.stream(B, initial);
        if (!randomInitial) {
            assertNull(stream.state(), "state before the first step of a stream from zeros");
        }
        int nout = config.outputSize();
        double scaleY = SequenceFixtures.maxAbs(full.output());
        double worst = 0;
        for (int t = 0; t < T; t++) {
            double[] xt = new double[B * I];
            System.arraycopy(x, t * B * I, xt, 0, B * I);
            double[] yt = stream.step(xt);
            assertEquals(B * nout, yt.length, name + ": step output length");
            for (int i = 0; i < B * nout; i++) {
                double d = Math.abs(yt[i] - full.output()[t * B * nout + i]);
                worst = Math.max(worst, d);
                assertTrue(d <= REL * scaleY, name + ": step " + t + " output[" + i + "] = " + yt[i]
                        + ", whole sequence gives " + full.output()[t * B * nout + i]);
            }
        }
        State<double[]> s = stream.state();
        assertNotNull(s);
        double scaleH = SequenceFixtures.maxAbs(full.finalState().h());
        double dh = SequenceFixtures.maxAbsDiff(s.h(), full.finalState().h());
        assertTrue(dh <= REL * scaleH, name + ": final h differs by " + dh);
        double dc = 0;
        if (config.cell().hasCellState()) {
            double scaleC = SequenceFixtures.maxAbs(full.finalState().c());
            dc = SequenceFixtures.maxAbsDiff(s.c(), full.finalState().c());
            assertTrue(dc <= REL * scaleC, name + ": final c differs by " + dc);
        } else {
            assertNull(s.c(), name + ": a " + config.cell().id() + " stream has no cell state");
        }
        System.out.printf("streaming %s L2 T=%d B=%d %s: max |Δy| %.1e (max |y| %.2f), |Δh_n| %.1e, |Δc_n| %.1e%n",
                name, T, B, randomInitial ? "random h0" : "zero h0", worst, scaleY, dh, dc);
    }

    @Test
    void streamingInFloat32MatchesWholeSequenceInFloat32() {
        streamFloat32(CellKind.GRU, Precision.F32, B);
    }

    /**
     * On two threads with a batch of nine rows (ranges of 4 and 5 rows, the second ending in a lone
     * row), where each thread takes its own rows through a step ({@code Cell.forwardRange}) in the
     * stream and through every step in the whole sequence.
     */
    @ParameterizedTest
    @EnumSource(CellKind.class)
    void streamingOnTwoThreadsMatchesWholeSequence(CellKind kind) {
        streamFloat32(kind, Precision.F32.withThreads(2), 9);
    }

    private static void streamFloat32(CellKind kind, Precision<float[]> precision, int nb) {
        RecurrentConfig config = RecurrentConfig.builder(kind, I, H).layers(2).build();
        SequenceLayer<float[]> layer = SequenceLayer.create(config, precision, 5);
        float[] x = precision.fromDoubles(SequenceFixtures.uniform(new SplittableRandom(3), T * nb * I, 1));
        float[] y = layer.forward(Activations.sequence(x, T, nb, layer.config().inputSize()), null, false).output();
        SequenceLayer.Stream<float[]> stream = layer.stream(nb, null);
        for (int t = 0; t < T; t++) {
            float[] xt = new float[nb * I];
            System.arraycopy(x, t * nb * I, xt, 0, nb * I);
            float[] yt = stream.step(xt);
            for (int i = 0; i < yt.length; i++) {
                assertEquals(y[t * nb * H + i], yt[i], 1e-6f, kind + " float32 step " + t + " output " + i);
            }
        }
    }

    @Test
    void bidirectionalStreamIsRejected() {
        RecurrentConfig config = RecurrentConfig.builder(CellKind.LSTM, I, H).bidirectional(true).build();
        SequenceLayer<double[]> layer = SequenceLayer.create(config, Precision.F64, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> layer.stream(B, null));
        assertTrue(e.getMessage().contains("unidirectional"), e.getMessage());
    }

    @Test
    void badStreamArgumentsAreRejected() {
        RecurrentConfig config = RecurrentConfig.builder(CellKind.GRU, I, H).layers(2).build();
        SequenceLayer<double[]> layer = SequenceLayer.create(config, Precision.F64, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> layer.stream(0, null));
        assertTrue(e.getMessage().contains("found 0"), e.getMessage());
        // an initial state for another batch size
        State<double[]> wrong = new State<>(new double[2 * 2 * H], null);
        e = assertThrows(IllegalArgumentException.class, () -> layer.stream(B, wrong));
        assertTrue(e.getMessage().contains("expected") && e.getMessage().contains("found " + (2 * 2 * H)),
                e.getMessage());
        // a step of the wrong width
        SequenceLayer.Stream<double[]> stream = layer.stream(B, null);
        e = assertThrows(IllegalArgumentException.class, () -> stream.step(new double[B * (I + 1)]));
        assertTrue(e.getMessage().contains("expected") && e.getMessage().contains("found " + B * (I + 1)),
                e.getMessage());
    }
}
