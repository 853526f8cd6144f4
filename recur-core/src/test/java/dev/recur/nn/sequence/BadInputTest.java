package dev.recur.nn.sequence;

import dev.recur.nn.Activations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.nn.recurrent.CellKind;
import dev.recur.tensor.Precision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every bad input is an IllegalArgumentException that says what was expected and what was found. */
class BadInputTest {

    private static final int T = 5;
    private static final int B = 3;
    private static final int I = 4;
    private static final int H = 6;

    private static SequenceLayer<double[]> layer(CellKind cell, int layers, boolean bi) {
        RecurrentConfig config = RecurrentConfig.builder(cell, I, H).layers(layers).bidirectional(bi).build();
        return SequenceLayer.create(config, Precision.F64, 1);
    }

    /** Asserts an IllegalArgumentException whose message contains every fragment. */
    private static String rejects(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        String m = e.getMessage();
        for (String f : fragments) {
            assertTrue(m != null && m.contains(f), "message lacks \"" + f + "\": " + m);
        }
        return m;
    }

    private static double[] x() {
        return new double[T * B * I];
    }

    // ------------------------------------------------------------------------------------------
    // input shape and values

    @Test
    void wrongInputWidth() {
        SequenceLayer<double[]> layer = layer(CellKind.LSTM, 2, false);
        double[] x = new double[T * B * (I + 1)];
        rejects(() -> layer.forward(Activations.sequence(x, T, B, I + 1), null, false),
                "expected", "[" + T + ", " + B + ", " + I + "]", "found " + (I + 1) + " features per step",
                "input_size " + I);
    }

    @Test
    void wrongInputWidthInFloat32() {
        RecurrentConfig config = RecurrentConfig.builder(CellKind.GRU, I, H).build();
        SequenceLayer<float[]> layer = SequenceLayer.create(config, Precision.F32, 1);
        rejects(() -> layer.forward(Activations.sequence(new float[T * B * (I - 1)], T, B, I - 1), null, false),
                "expected", "[" + T + ", " + B + ", " + I + "]", "found " + (I - 1) + " features per step");
    }

    @Test
    void inputLengthThatIsNoWholeNumberOfSteps() {
        String m = rejects(() -> Activations.sequence(new double[T * B * I + 1], T, B, I),
                "expected", String.valueOf(T * B * I), "found " + (T * B * I + 1));
        assertTrue(!m.contains("features per step"), m);
    }

    /**
     * A null batch must be rejected like any other bad input ({@code Validation.batch} has a message
     * for it), not fail with a NullPointerException.
     */
    @Test
    void nullBatchIsAnIllegalArgument() {
        SequenceLayer<double[]> layer = layer(CellKind.GRU, 1, false);
        rejects(() -> layer.forward(null, null, false), "missing", "expected");
    }

    @Test
    void missingInputAndEmptyShapes() {
        SequenceLayer<double[]> layer = layer(CellKind.GRU, 1, false);
        rejects(() -> Activations.sequence(null, T, B, I), "expected", "found null");
        rejects(() -> Activations.sequence(new double[0], 0, B, I), "expected", "T >= 1", "found 0");
        rejects(() -> Activations.sequence(new double[0], T, 0, I), "expected", "B = 0");
    }

    @Test
    void nonFiniteInput() {
        SequenceLayer<double[]> layer = layer(CellKind.RNN_TANH, 2, true);
        double[] nan = x();
        // t = 2, b = 1, i = 3
        nan[(2 * B + 1) * I + 3] = Double.NaN;
        rejects(() -> layer.forward(Activations.sequence(nan, T, B, layer.config().inputSize()), null, false),
                "x[t=2, b=1, i=3]", "NaN", "expected a finite number");
        double[] inf = x();
        inf[(4 * B + 2) * I] = Double.POSITIVE_INFINITY;
        rejects(() -> layer.forward(Activations.sequence(inf, T, B, layer.config().inputSize()), null, false),
                "x[t=4, b=2, i=0]", "Infinity", "expected a finite number");
    }

    @Test
    void nonFiniteInputPastTheLengthIsRejectedToo() {
        // padded values are ignored by the arithmetic, but a NaN there still signals broken data
        SequenceLayer<double[]> layer = layer(CellKind.GRU, 1, false);
        double[] x = x();
        x[(4 * B) * I] = Double.NaN;
        rejects(() -> layer.forward(Activations.sequence(x, T, B, layer.config().inputSize(), new int[] {2, T, T}), null, false),
                "x[t=4, b=0, i=0]", "NaN");
    }

    @Test
    void nonFiniteInFloat32Input() {
        RecurrentConfig config = RecurrentConfig.builder(CellKind.LSTM, I, H).build();
        SequenceLayer<float[]> layer = SequenceLayer.create(config, Precision.F32, 1);
        float[] x = new float[T * B * I];
        x[I + 1] = Float.NEGATIVE_INFINITY;
        rejects(() -> layer.forward(Activations.sequence(x, T, B, layer.config().inputSize()), null, false),
                "x[t=0, b=1, i=1]", "-Infinity", "expected a finite number");
    }

    // ------------------------------------------------------------------------------------------
    // lengths

    @Test
    void lengthZero() {
        SequenceLayer<double[]> layer = layer(CellKind.LSTM, 1, false);
        rejects(() -> layer.forward(Activations.sequence(x(), T, B, layer.config().inputSize(), new int[] {T, 0, 2}), null, false),
                "lengths[1] = 0", "expected 1..T = 1.." + T, "empty sequence");
    }

    @Test
    void lengthBeyondT() {
        SequenceLayer<double[]> layer = layer(CellKind.LSTM, 1, true);
        rejects(() -> layer.forward(Activations.sequence(x(), T, B, layer.config().inputSize(), new int[] {T, 1, T + 1}), null, false),
                "lengths[2] = " + (T + 1), "expected 1..T = 1.." + T);
    }

    @Test
    void negativeLength() {
        SequenceLayer<double[]> layer = layer(CellKind.RNN_RELU, 1, false);
        rejects(() -> layer.forward(Activations.sequence(x(), T, B, layer.config().inputSize(), new int[] {-1, 1, 1}), null, false),
                "lengths[0] = -1", "expected 1..T");
    }

    @Test
    void wrongNumberOfLengths() {
        SequenceLayer<double[]> layer = layer(CellKind.GRU, 1, false);
        rejects(() -> layer.forward(Activations.sequence(x(), T, B, layer.config().inputSize(), new int[] {T, T}), null, false),
                "expected", "B = " + B, "found 2 lengths");
        rejects(() -> layer.forward(Activations.sequence(x(), T, B, layer.config().inputSize(), new int[] {T, T, T, T}), null, false),
                "expected", "B = " + B, "found 4 lengths");
    }

    // ------------------------------------------------------------------------------------------
    // states

    @Test
    void initialHiddenStateTooShort() {
        SequenceLayer<double[]> layer = layer(CellKind.LSTM, 2, true);
        int rows = 2 * 2;
        double[] h0 = new double[rows * B * H - 1];
        rejects(() -> layer.forward(Activations.sequence(x(), T, B, layer.config().inputSize()), new State<>(h0, null), false),
                "initial state h", "expected", "[" + rows + ", " + B + ", " + H + "]", String.valueOf(rows * B * H),
                "found " + (rows * B * H - 1));
    }

    @Test
    void initialHiddenStateForAnotherBatchSize() {
        SequenceLayer<double[]> layer = layer(CellKind.GRU, 2, false);
        double[] h0 = new double[2 * (B + 1) * H];
        rejects(() -> layer.forward(Activations.sequence(x(), T, B, layer.config().inputSize()), new State<>(h0, null), false),
                "initial state h", "expected", String.valueOf(2 * B * H), "found " + 2 * (B + 1) * H);
    }

    @Test
    void initialHiddenStateOfProjectedLstmHasWidthP() {
        RecurrentConfig config = RecurrentConfig.builder(CellKind.LSTM, I, H).projSize(2).build();
        SequenceLayer<double[]> layer = SequenceLayer.create(config, Precision.F64, 1);
        // a state of width H where P is expected
        rejects(() -> layer.forward(Activations.sequence(x(), T, B, layer.config().inputSize()), new State<>(new double[B * H], null), false),
                "initial state h", "expected", "[1, " + B + ", 2]", String.valueOf(B * 2), "found " + B * H);
        // while c keeps width H
        rejects(() -> layer.forward(Activations.sequence(x(), T, B, layer.config().inputSize()), new State<>(null, new double[B * 2]), false),
                "initial state c", "expected", "[1, " + B + ", " + H + "]", "found " + B * 2);
    }

    @Test
    void initialCellStateOfWrongSize() {
        SequenceLayer<double[]> layer = layer(CellKind.LSTM, 2, false);
        double[] h0 = new double[2 * B * H];
        double[] c0 = new double[2 * B * H + 3];
        rejects(() -> layer.forward(Activations.sequence(x(), T, B, layer.config().inputSize()), new State<>(h0, c0), false),
                "initial state c", "expected", "[2, " + B + ", " + H + "]", String.valueOf(2 * B * H),
                "found " + (2 * B * H + 3));
    }

    @Test
    void cellStateGivenToAGru() {
        SequenceLayer<double[]> layer = layer(CellKind.GRU, 1, false);
        double[] h0 = new double[B * H];
        double[] c0 = new double[B * H];
        rejects(() -> layer.forward(Activations.sequence(x(), T, B, layer.config().inputSize()), new State<>(h0, c0), false),
                "gru", "no cell state", "expected c = null", "found an array of " + B * H);
    }

    @Test
    void cellStateGivenToAnElmanRnn() {
        SequenceLayer<double[]> layer = layer(CellKind.RNN_TANH, 1, false);
        rejects(() -> layer.forward(Activations.sequence(x(), T, B, layer.config().inputSize()), new State<>(null, new double[B * H]), false),
                "rnn_tanh", "expected c = null");
    }

    @Test
    void nonFiniteInitialState() {
        SequenceLayer<double[]> layer = layer(CellKind.LSTM, 2, false);
        double[] h0 = new double[2 * B * H];
        h0[B * H + H + 2] = Double.NaN;   // row 1, b = 1, j = 2
        rejects(() -> layer.forward(Activations.sequence(x(), T, B, layer.config().inputSize()), new State<>(h0, null), false),
                "initial state h[1, 1, 2]", "NaN", "expected a finite number");
        double[] c0 = new double[2 * B * H];
        c0[5] = Double.POSITIVE_INFINITY;
        rejects(() -> layer.forward(Activations.sequence(x(), T, B, layer.config().inputSize()), new State<>(null, c0), false),
                "initial state c[0, 0, 5]", "Infinity", "expected a finite number");
    }

    // ------------------------------------------------------------------------------------------
    // backward

    @Test
    void wrongOutputGradientSize() {
        SequenceLayer<double[]> layer = layer(CellKind.LSTM, 2, true);
        SequenceOutput<double[]> out = layer.forward(Activations.sequence(x(), T, B, layer.config().inputSize()), null, true);
        int expected = T * B * 2 * H;
        rejects(() -> layer.backward(out.tape(), new double[expected - H], null),
                "output gradient", "expected", "[" + T + ", " + B + ", " + 2 * H + "]", String.valueOf(expected),
                "found " + (expected - H));
        // a gradient shaped for one direction only
        rejects(() -> layer.backward(out.tape(), new double[T * B * H], null),
                "expected", String.valueOf(expected), "found " + T * B * H);
    }

    @Test
    void wrongFinalStateGradient() {
        SequenceLayer<double[]> layer = layer(CellKind.LSTM, 1, false);
        SequenceOutput<double[]> out = layer.forward(Activations.sequence(x(), T, B, layer.config().inputSize()), null, true);
        rejects(() -> layer.backward(out.tape(), null, new State<>(new double[B * H + 1], null)),
                "final-state gradient h", "expected", String.valueOf(B * H), "found " + (B * H + 1));
        rejects(() -> layer.backward(out.tape(), null, new State<>(null, new double[B])),
                "final-state gradient c", "expected", String.valueOf(B * H), "found " + B);
        double[] dh = new double[B * H];
        dh[3] = Double.NaN;
        rejects(() -> layer.backward(out.tape(), null, new State<>(dh, null)),
                "final-state gradient h", "NaN", "expected a finite number");
    }

    @Test
    void gradientOfACellStateGivenToAGru() {
        SequenceLayer<double[]> layer = layer(CellKind.GRU, 1, false);
        SequenceOutput<double[]> out = layer.forward(Activations.sequence(x(), T, B, layer.config().inputSize()), null, true);
        rejects(() -> layer.backward(out.tape(), null, new State<>(null, new double[B * H])),
                "final-state gradient c", "expected c = null");
    }

    @Test
    void rejectedBackwardLeavesParameterGradientsUntouched() {
        SequenceLayer<double[]> layer = layer(CellKind.LSTM, 1, false);
        SequenceOutput<double[]> out = layer.forward(Activations.sequence(x(), T, B, layer.config().inputSize()), null, true);
        layer.zeroGrad();
        rejects(() -> layer.backward(out.tape(), new double[1], null), "expected");
        layer.parameters().forEach(p -> assertEquals(0.0, SequenceFixtures.maxAbs(p.grad()), 0.0, p.name()));
    }

    // ------------------------------------------------------------------------------------------
    // configurations

    @Test
    void hiddenSizeZero() {
        rejects(() -> RecurrentConfig.builder(CellKind.LSTM, I, 0).build(), "hidden_size", ">= 1", "found 0");
    }

    @Test
    void otherNonPositiveSizes() {
        rejects(() -> RecurrentConfig.builder(CellKind.GRU, 0, H).build(), "input_size", ">= 1", "found 0");
        rejects(() -> RecurrentConfig.builder(CellKind.GRU, I, H).layers(0).build(), "num_layers", ">= 1", "found 0");
        rejects(() -> RecurrentConfig.builder(CellKind.LSTM, I, H).projSize(-1).build(), "proj_size", ">= 0",
                "found -1");
        rejects(() -> RecurrentConfig.builder(null, I, H).build(), "cell kind");
    }

    @Test
    void projectionOnAGru() {
        rejects(() -> RecurrentConfig.builder(CellKind.GRU, I, H).projSize(2).build(),
                "proj_size = 2", "only supported by the LSTM", "gru");
        rejects(() -> RecurrentConfig.builder(CellKind.RNN_RELU, I, H).projSize(2).build(),
                "proj_size = 2", "rnn_relu");
    }

    @Test
    void projectionNotSmallerThanHidden() {
        rejects(() -> RecurrentConfig.builder(CellKind.LSTM, I, H).projSize(H).build(),
                "smaller than hidden_size", "proj_size " + H, "hidden_size " + H);
        rejects(() -> RecurrentConfig.builder(CellKind.LSTM, I, H).projSize(H + 3).build(),
                "proj_size " + (H + 3), "hidden_size " + H);
    }

    @Test
    void dropoutOutsideTheUnitInterval() {
        rejects(() -> RecurrentConfig.builder(CellKind.LSTM, I, H).dropout(1.0).build(), "dropout", "[0, 1)",
                "found 1.0");
        rejects(() -> RecurrentConfig.builder(CellKind.LSTM, I, H).dropout(-0.1).build(), "found -0.1");
        rejects(() -> RecurrentConfig.builder(CellKind.LSTM, I, H).dropout(Double.NaN).build(), "found NaN");
    }

    @Test
    void infiniteForgetBiasAndMissingInitialisers() {
        rejects(() -> RecurrentConfig.builder(CellKind.LSTM, I, H).forgetBias(Double.POSITIVE_INFINITY).build(),
                "forgetBias", "Infinity");
        rejects(() -> RecurrentConfig.builder(CellKind.LSTM, I, H).inputInit(null).build(), "inputInit");
    }
}
