package dev.recur.nn.sequence;

import dev.recur.nn.Activations;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.nn.Parameter;
import dev.recur.nn.WeightInit;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.nn.recurrent.CellParams;
import dev.recur.nn.recurrent.GruGate;
import dev.recur.nn.recurrent.LstmGate;
import dev.recur.tensor.Precision;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Initialisation schemes, parameter layout, and forward passes small enough to do by hand. */
class InitTest {

    private static final Precision<double[]> F64 = Precision.F64;
    /** Hand-computed values are compared with this absolute tolerance (values are O(1)). */
    private static final double EXACT = 1e-15;

    // ------------------------------------------------------------------------------------------
    // shapes and names

    @Test
    void parameterNamesAndShapesFollowPyTorch() {
        RecurrentConfig config = RecurrentConfig.builder(CellKind.LSTM, 3, 5).layers(2).bidirectional(true)
                .projSize(2).build();
        List<Parameter<double[]>> ps = SequenceLayer.create(config, F64, 1).parameters();
        String[] expected = {
            "weight_ih_l0[20, 3]", "weight_hh_l0[20, 2]", "bias_ih_l0[20]", "bias_hh_l0[20]", "weight_hr_l0[2, 5]",
            "weight_ih_l0_reverse[20, 3]", "weight_hh_l0_reverse[20, 2]", "bias_ih_l0_reverse[20]",
            "bias_hh_l0_reverse[20]", "weight_hr_l0_reverse[2, 5]",
            "weight_ih_l1[20, 4]", "weight_hh_l1[20, 2]", "bias_ih_l1[20]", "bias_hh_l1[20]", "weight_hr_l1[2, 5]",
            "weight_ih_l1_reverse[20, 4]", "weight_hh_l1_reverse[20, 2]", "bias_ih_l1_reverse[20]",
            "bias_hh_l1_reverse[20]", "weight_hr_l1_reverse[2, 5]"};
        assertEquals(expected.length, ps.size());
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], ps.get(i).toString());
        }
        RecurrentConfig noBias = RecurrentConfig.builder(CellKind.GRU, 3, 5).bias(false).build();
        SequenceLayer<double[]> gru = SequenceLayer.create(noBias, F64, 1);
        assertEquals(2, gru.parameters().size());
        assertNull(gru.params(0, 0).biasIh());
        assertEquals("weight_hh_l0[15, 5]", gru.parameters().get(1).toString());
    }

    // ------------------------------------------------------------------------------------------
    // default (uniform) initialisation

    @ParameterizedTest
    @EnumSource(CellKind.class)
    void defaultWeightsAreWithinOneOverRootH(CellKind cell) {
        int nh = 9;
        RecurrentConfig.Builder b = RecurrentConfig.builder(cell, 7, nh).layers(2).bidirectional(true);
        if (cell == CellKind.LSTM) {
            b.projSize(4);
        }
        RecurrentConfig config = b.build();
        double bound = 1 / Math.sqrt(nh);
        SequenceLayer<double[]> layer = SequenceLayer.create(config, F64, 2024);
        double max = 0;
        for (Parameter<double[]> p : layer.parameters()) {
            double[] v = p.value();
            boolean forgetBias = cell == CellKind.LSTM && p.name().startsWith("bias_");
            int f = LstmGate.FORGET.offset(nh);
            for (int i = 0; i < v.length; i++) {
                if (forgetBias && i >= f && i < f + nh) {
                    continue;   // checked below
                }
                assertTrue(Math.abs(v[i]) <= bound, p.name() + "[" + i + "] = " + v[i] + " outside ±" + bound);
                max = Math.max(max, Math.abs(v[i]));
            }
        }
        // the draws fill the interval (hundreds of them: the largest is within a few % of the bound)
        assertTrue(max > 0.95 * bound, cell + ": largest |value| " + max + " of bound " + bound);
    }

    @Test
    void lstmForgetBiasOfOneGoesToBiasIhWithZeroInBiasHh() {
        int nh = 5;
        assertTrue(Double.isNaN(RecurrentConfig.builder(CellKind.LSTM, 3, nh).build().forgetBias()),
                "the default is PyTorch's plain uniform draw");
        RecurrentConfig config = RecurrentConfig.builder(CellKind.LSTM, 3, nh).layers(2).bidirectional(true)
                .forgetBias(1.0).build();
        assertEquals(1.0, config.forgetBias());
        SequenceLayer<double[]> layer = SequenceLayer.create(config, F64, 3);
        int f = LstmGate.FORGET.offset(nh);
        for (int l = 0; l < 2; l++) {
            for (int d = 0; d < 2; d++) {
                CellParams<double[]> p = layer.params(l, d);
                for (int j = 0; j < 4 * nh; j++) {
                    boolean forget = j >= f && j < f + nh;
                    if (forget) {
                        assertEquals(1.0, p.biasIh().value()[j], 0.0, "bias_ih forget block");
                        assertEquals(0.0, p.biasHh().value()[j], 0.0, "bias_hh forget block");
                    } else {
                        assertNotEquals(1.0, p.biasIh().value()[j]);
                        assertTrue(Math.abs(p.biasIh().value()[j]) <= 1 / Math.sqrt(nh));
                    }
                }
            }
        }
    }

    @Test
    void lstmForgetBiasCanBeSetOrLeftUniform() {
        int nh = 5;
        int f = LstmGate.FORGET.offset(nh);
        RecurrentConfig custom = RecurrentConfig.builder(CellKind.LSTM, 3, nh).forgetBias(2.5).build();
        CellParams<double[]> p = SequenceLayer.create(custom, F64, 3).params(0, 0);
        for (int j = f; j < f + nh; j++) {
            assertEquals(2.5, p.biasIh().value()[j], 0.0);
            assertEquals(0.0, p.biasHh().value()[j], 0.0);
        }
        RecurrentConfig uniform = RecurrentConfig.builder(CellKind.LSTM, 3, nh).forgetBias(Double.NaN).build();
        CellParams<double[]> q = SequenceLayer.create(uniform, F64, 3).params(0, 0);
        double bound = 1 / Math.sqrt(nh);
        int nonzeroHh = 0;
        for (int j = f; j < f + nh; j++) {
            assertTrue(Math.abs(q.biasIh().value()[j]) <= bound, "uniform forget bias_ih " + q.biasIh().value()[j]);
            assertTrue(Math.abs(q.biasHh().value()[j]) <= bound, "uniform forget bias_hh " + q.biasHh().value()[j]);
            if (q.biasHh().value()[j] != 0) {
                nonzeroHh++;
            }
        }
        assertEquals(nh, nonzeroHh, "NaN keeps the uniform draw in bias_hh's forget block too");
        // everything but the forget block is the same draw with or without the override
        CellParams<double[]> dflt = SequenceLayer.create(
                RecurrentConfig.builder(CellKind.LSTM, 3, nh).build(), F64, 3).params(0, 0);
        for (int j = 0; j < 4 * nh; j++) {
            if (j < f || j >= f + nh) {
                assertEquals(q.biasIh().value()[j], dflt.biasIh().value()[j], 0.0);
                assertEquals(q.biasHh().value()[j], dflt.biasHh().value()[j], 0.0);
            }
        }
        assertArrayEquals(q.weightIh().value(), dflt.weightIh().value(), 0.0);
    }

    @Test
    void forgetBiasIsAnLstmOption() {
        int nh = 4;
        RecurrentConfig config = RecurrentConfig.builder(CellKind.GRU, 3, nh).forgetBias(1.0).build();
        CellParams<double[]> p = SequenceLayer.create(config, F64, 3).params(0, 0);
        for (double v : p.biasIh().value()) {
            assertTrue(Math.abs(v) <= 1 / Math.sqrt(nh), "GRU bias " + v);
        }
        for (double v : p.biasHh().value()) {
            assertNotEquals(0.0, v, "GRU bias_hh left at 0");
        }
    }

    // ------------------------------------------------------------------------------------------
    // orthogonal and Xavier

    /** Max |M Mᵀ − I| (rows) or |Mᵀ M − I| (columns) over one {@code rows × cols} block at {@code off}. */
    private static double orthonormalityError(double[] w, int off, int rows, int cols, boolean byRows) {
        int n = byRows ? rows : cols;
        double err = 0;
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                double dot = 0;
                int len = byRows ? cols : rows;
                for (int k = 0; k < len; k++) {
                    double va = byRows ? w[off + a * cols + k] : w[off + k * cols + a];
                    double vb = byRows ? w[off + b * cols + k] : w[off + k * cols + b];
                    dot += va * vb;
                }
                err = Math.max(err, Math.abs(dot - (a == b ? 1 : 0)));
            }
        }
        return err;
    }

    @ParameterizedTest
    @EnumSource(CellKind.class)
    void orthogonalRecurrentInitGivesOrthonormalGateBlocks(CellKind cell) {
        int nh = 6;
        RecurrentConfig config = RecurrentConfig.builder(cell, 4, nh).layers(2).bidirectional(true)
                .recurrentInit(WeightInit.ORTHOGONAL).build();
        SequenceLayer<double[]> layer = SequenceLayer.create(config, F64, 11);
        int g = cell.gates();
        double worst = 0;
        for (int l = 0; l < 2; l++) {
            for (int d = 0; d < 2; d++) {
                double[] w = layer.params(l, d).weightHh().value();
                for (int k = 0; k < g; k++) {
                    // square H × H: rows and columns both orthonormal
                    worst = Math.max(worst, orthonormalityError(w, k * nh * nh, nh, nh, true));
                    worst = Math.max(worst, orthonormalityError(w, k * nh * nh, nh, nh, false));
                }
                // the input weights keep the uniform default
                for (double v : layer.params(l, d).weightIh().value()) {
                    assertTrue(Math.abs(v) <= 1 / Math.sqrt(nh));
                }
            }
        }
        assertTrue(worst <= 1e-12, cell + ": Q Qᵀ − I up to " + worst);
        // different blocks are different matrices
        double[] w = layer.params(0, 0).weightHh().value();
        if (g > 1) {
            assertNotEquals(w[0], w[nh * nh]);
        }
    }

    @Test
    void orthogonalBlocksOfNonSquareShapes() {
        // projection: weight_hh blocks are H × P with H > P: orthonormal columns
        int nh = 7;
        int np = 3;
        RecurrentConfig proj = RecurrentConfig.builder(CellKind.LSTM, 10, nh).projSize(np)
                .recurrentInit(WeightInit.ORTHOGONAL).inputInit(WeightInit.ORTHOGONAL).build();
        CellParams<double[]> p = SequenceLayer.create(proj, F64, 5).params(0, 0);
        for (int k = 0; k < 4; k++) {
            assertTrue(orthonormalityError(p.weightHh().value(), k * nh * np, nh, np, false) <= 1e-12, "block " + k);
            // weight_ih blocks are H × I = 7 × 10: orthonormal rows
            assertTrue(orthonormalityError(p.weightIh().value(), k * nh * 10, nh, 10, true) <= 1e-12, "ih block " + k);
        }
        // input narrower than hidden: H × I = 7 × 2, orthonormal columns
        RecurrentConfig narrow = RecurrentConfig.builder(CellKind.GRU, 2, nh).inputInit(WeightInit.ORTHOGONAL).build();
        double[] w = SequenceLayer.create(narrow, F64, 5).params(0, 0).weightIh().value();
        for (int k = 0; k < 3; k++) {
            assertTrue(orthonormalityError(w, k * nh * 2, nh, 2, false) <= 1e-12, "narrow block " + k);
        }
    }

    @ParameterizedTest
    @EnumSource(CellKind.class)
    void xavierRespectsItsBound(CellKind cell) {
        int nh = 5;
        int ni = 40;
        RecurrentConfig config = RecurrentConfig.builder(cell, ni, nh).layers(2).bidirectional(true)
                .inputInit(WeightInit.XAVIER).recurrentInit(WeightInit.XAVIER).build();
        SequenceLayer<double[]> layer = SequenceLayer.create(config, F64, 13);
        for (int l = 0; l < 2; l++) {
            int nin = config.layerInputSize(l);
            double aIh = Math.sqrt(6.0 / (nh + nin));
            double aHh = Math.sqrt(6.0 / (nh + nh));
            CellParams<double[]> p = layer.params(l, 0);
            double maxIh = SequenceFixtures.maxAbs(p.weightIh().value());
            double maxHh = SequenceFixtures.maxAbs(p.weightHh().value());
            assertTrue(maxIh <= aIh, "weight_ih_l" + l + ": " + maxIh + " > " + aIh);
            assertTrue(maxHh <= aHh, "weight_hh_l" + l + ": " + maxHh + " > " + aHh);
            assertTrue(maxIh > 0.8 * aIh && maxHh > 0.8 * aHh, "Xavier draws fill their interval");
        }
        // layer 0's input weights: the Xavier bound (0.37) is not the uniform one (0.45)
        double maxIh0 = SequenceFixtures.maxAbs(layer.params(0, 0).weightIh().value());
        assertTrue(maxIh0 <= Math.sqrt(6.0 / (nh + ni)) && Math.sqrt(6.0 / (nh + ni)) < 1 / Math.sqrt(nh));
    }

    // ------------------------------------------------------------------------------------------
    // hand-derivable cases: H = 1, I = 1, B = 1, T = 2

    private static double sigmoid(double a) {
        return 1 / (1 + Math.exp(-a));
    }

    private static void set(Parameter<double[]> p, double... v) {
        assertEquals(p.size(), v.length, p.name());
        System.arraycopy(v, 0, p.value(), 0, v.length);
    }

    private static SequenceLayer<double[]> tiny(CellKind cell) {
        return SequenceLayer.create(RecurrentConfig.builder(cell, 1, 1).build(), F64, 0);
    }

    @Test
    void lstmByHand() {
        SequenceLayer<double[]> layer = tiny(CellKind.LSTM);
        CellParams<double[]> p = layer.params(0, 0);
        // gate order i, f, g, o
        double[] w = {0.5, -0.4, 0.9, 0.3};
        double[] u = {-0.7, 0.2, 0.6, -0.5};
        double[] bi = {0.1, 1.0, -0.2, 0.05};
        double[] bh = {-0.3, 0.25, 0.15, 0.4};
        set(p.weightIh(), w);
        set(p.weightHh(), u);
        set(p.biasIh(), bi);
        set(p.biasHh(), bh);
        double[] x = {0.8, -1.3};
        double h = 0.35;
        double c = -0.6;
        SequenceOutput<double[]> out = layer.forward(Activations.sequence(x.clone(), 2, 1, layer.config().inputSize()),
                new State<>(new double[] {h}, new double[] {c}), false);
        for (int t = 0; t < 2; t++) {
            double[] a = new double[4];
            for (int k = 0; k < 4; k++) {
                a[k] = ((w[k] * x[t] + bi[k]) + u[k] * h) + bh[k];
            }
            double ig = sigmoid(a[0]);
            double fg = sigmoid(a[1]);
            double gg = Math.tanh(a[2]);
            double og = sigmoid(a[3]);
            c = fg * c + ig * gg;
            h = og * Math.tanh(c);
            assertEquals(h, out.output()[t], EXACT, "h_" + (t + 1));
        }
        assertEquals(h, out.finalState().h()[0], EXACT, "final h");
        assertEquals(c, out.finalState().c()[0], EXACT, "final c");
    }

    @Test
    void bidirectionalLstmByHand() {
        SequenceLayer<double[]> layer = SequenceLayer.create(
                RecurrentConfig.builder(CellKind.LSTM, 1, 1).bidirectional(true).build(), F64, 0);
        double[][] w = {{0.5, -0.4, 0.9, 0.3}, {-0.2, 0.6, -0.8, 0.7}};
        double[][] u = {{-0.7, 0.2, 0.6, -0.5}, {0.3, -0.1, 0.4, 0.2}};
        double[][] bi = {{0.1, 1.0, -0.2, 0.05}, {0.0, 0.5, 0.3, -0.1}};
        double[][] bh = {{-0.3, 0.25, 0.15, 0.4}, {0.2, -0.2, 0.1, 0.0}};
        for (int d = 0; d < 2; d++) {
            CellParams<double[]> p = layer.params(0, d);
            set(p.weightIh(), w[d]);
            set(p.weightHh(), u[d]);
            set(p.biasIh(), bi[d]);
            set(p.biasHh(), bh[d]);
        }
        double[] x = {0.8, -1.3, 0.4};
        double[] h0 = {0.35, -0.15};   // [L*D = 2, B = 1, H = 1]: forward, reverse
        double[] c0 = {-0.6, 0.45};
        SequenceOutput<double[]> out = layer.forward(Activations.sequence(x.clone(), 3, 1, layer.config().inputSize()),
                new State<>(h0.clone(), c0.clone()), false);
        double[][] expected = new double[3][2];
        double[] hEnd = new double[2];
        double[] cEnd = new double[2];
        for (int d = 0; d < 2; d++) {
            double h = h0[d];
            double c = c0[d];
            for (int s = 0; s < 3; s++) {
                int t = d == 0 ? s : 2 - s;
                double[] a = new double[4];
                for (int k = 0; k < 4; k++) {
                    a[k] = ((w[d][k] * x[t] + bi[d][k]) + u[d][k] * h) + bh[d][k];
                }
                c = sigmoid(a[1]) * c + sigmoid(a[0]) * Math.tanh(a[2]);
                h = sigmoid(a[3]) * Math.tanh(c);
                expected[t][d] = h;
            }
            hEnd[d] = h;
            cEnd[d] = c;
        }
        for (int t = 0; t < 3; t++) {
            // output [T, B, 2]: forward feature first, then reverse
            assertEquals(expected[t][0], out.output()[2 * t], EXACT, "forward y_" + t);
            assertEquals(expected[t][1], out.output()[2 * t + 1], EXACT, "reverse y_" + t);
        }
        // final states: forward after t = 2, reverse after t = 0 (its last step)
        assertArrayEquals(hEnd, out.finalState().h(), EXACT);
        assertArrayEquals(cEnd, out.finalState().c(), EXACT);
        assertEquals(out.output()[1], out.finalState().h()[1], 0.0, "reverse final state is its output at t = 0");
    }

    @Test
    void projectedLstmByHand() {
        // H = 2, P = 1: m = o ⊙ tanh(c) in R², h = W_hr m in R¹
        SequenceLayer<double[]> layer = SequenceLayer.create(
                RecurrentConfig.builder(CellKind.LSTM, 1, 2).projSize(1).build(), F64, 0);
        CellParams<double[]> p = layer.params(0, 0);
        // rows: i0 i1 f0 f1 g0 g1 o0 o1
        double[] w = {0.5, -0.3, -0.4, 0.8, 0.9, -0.6, 0.3, 0.1};
        double[] u = {-0.7, 0.4, 0.2, -0.2, 0.6, 0.5, -0.5, 0.9};
        double[] bi = {0.1, 0.0, 1.0, 1.0, -0.2, 0.3, 0.05, -0.1};
        double[] bh = {-0.3, 0.2, 0.0, 0.0, 0.15, -0.25, 0.4, 0.35};
        double[] hr = {0.7, -1.2};
        set(p.weightIh(), w);
        set(p.weightHh(), u);
        set(p.biasIh(), bi);
        set(p.biasHh(), bh);
        set(p.weightHr(), hr);
        double[] x = {0.8, -1.3};
        double h = 0.35;
        double[] c = {-0.6, 0.2};
        SequenceOutput<double[]> out = layer.forward(Activations.sequence(x.clone(), 2, 1, layer.config().inputSize()),
                new State<>(new double[] {h}, c.clone()), false);
        for (int t = 0; t < 2; t++) {
            double[] m = new double[2];
            for (int j = 0; j < 2; j++) {
                double[] a = new double[4];
                for (int k = 0; k < 4; k++) {
                    int r = 2 * k + j;
                    a[k] = ((w[r] * x[t] + bi[r]) + u[r] * h) + bh[r];
                }
                c[j] = sigmoid(a[1]) * c[j] + sigmoid(a[0]) * Math.tanh(a[2]);
                m[j] = sigmoid(a[3]) * Math.tanh(c[j]);
            }
            h = hr[0] * m[0] + hr[1] * m[1];
            assertEquals(h, out.output()[t], EXACT, "h_" + (t + 1));
        }
        assertEquals(h, out.finalState().h()[0], EXACT);
        assertArrayEquals(c, out.finalState().c(), EXACT);
    }

    @Test
    void gruByHand() {
        SequenceLayer<double[]> layer = tiny(CellKind.GRU);
        CellParams<double[]> p = layer.params(0, 0);
        // gate order r, z, n
        assertEquals(0, GruGate.RESET.offset(1));
        double[] w = {0.6, -0.5, 0.9};
        double[] u = {-0.4, 0.3, 0.7};
        double[] bi = {0.1, -0.2, 0.05};
        double[] bh = {0.2, 0.15, -0.3};
        set(p.weightIh(), w);
        set(p.weightHh(), u);
        set(p.biasIh(), bi);
        set(p.biasHh(), bh);
        double[] x = {1.1, -0.7};
        double h = -0.45;
        SequenceOutput<double[]> out = layer.forward(Activations.sequence(x.clone(), 2, 1, layer.config().inputSize()),
                new State<>(new double[] {h}, null), false);
        for (int t = 0; t < 2; t++) {
            double[] gi = new double[3];
            double[] gh = new double[3];
            for (int k = 0; k < 3; k++) {
                gi[k] = w[k] * x[t] + bi[k];
                gh[k] = u[k] * h + bh[k];
            }
            double r = sigmoid(gi[0] + gh[0]);
            double z = sigmoid(gi[1] + gh[1]);
            double n = Math.tanh(gi[2] + r * gh[2]);   // the reset gate scales W_hn h + b_hn
            h = (1 - z) * n + z * h;
            assertEquals(h, out.output()[t], EXACT, "h_" + (t + 1));
        }
        assertEquals(h, out.finalState().h()[0], EXACT);
        assertNull(out.finalState().c());
    }

    @ParameterizedTest
    @EnumSource(value = CellKind.class, names = {"RNN_TANH", "RNN_RELU"})
    void elmanByHand(CellKind cell) {
        SequenceLayer<double[]> layer = tiny(cell);
        CellParams<double[]> p = layer.params(0, 0);
        double w = 0.9;
        double u = -0.6;
        double bi = 0.1;
        double bh = -0.25;
        set(p.weightIh(), w);
        set(p.weightHh(), u);
        set(p.biasIh(), bi);
        set(p.biasHh(), bh);
        double[] x = {0.7, -0.2, 0.5};   // relu: a = 0.75 > 0, then a < 0, then a > 0
        double h = 0.3;
        SequenceOutput<double[]> out = layer.forward(Activations.sequence(x.clone(), 3, 1, layer.config().inputSize()),
                new State<>(new double[] {h}, null), false);
        for (int t = 0; t < 3; t++) {
            double a = ((w * x[t] + bi) + u * h) + bh;
            h = cell == CellKind.RNN_TANH ? Math.tanh(a) : Math.max(a, 0);
            assertEquals(h, out.output()[t], EXACT, cell + " h_" + (t + 1));
        }
        assertEquals(h, out.finalState().h()[0], EXACT);
        if (cell == CellKind.RNN_RELU) {
            assertEquals(0.0, out.output()[1], 0.0, "relu clips the negative pre-activation of step 2");
        }
    }

    @Test
    void twoLayerElmanByHand() {
        SequenceLayer<double[]> layer = SequenceLayer.create(
                RecurrentConfig.builder(CellKind.RNN_TANH, 1, 1).layers(2).build(), F64, 0);
        double[] w = {0.9, -1.1};
        double[] u = {-0.6, 0.4};
        double[] bi = {0.1, 0.3};
        double[] bh = {-0.25, 0.05};
        for (int l = 0; l < 2; l++) {
            CellParams<double[]> p = layer.params(l, 0);
            set(p.weightIh(), w[l]);
            set(p.weightHh(), u[l]);
            set(p.biasIh(), bi[l]);
            set(p.biasHh(), bh[l]);
        }
        double[] x = {0.7, -0.2};
        double[] h = {0.3, -0.8};   // [L, B, H]
        SequenceOutput<double[]> out = layer.forward(Activations.sequence(x.clone(), 2, 1, layer.config().inputSize()),
                new State<>(h.clone(), null), false);
        for (int t = 0; t < 2; t++) {
            h[0] = Math.tanh(((w[0] * x[t] + bi[0]) + u[0] * h[0]) + bh[0]);
            h[1] = Math.tanh(((w[1] * h[0] + bi[1]) + u[1] * h[1]) + bh[1]);
            assertEquals(h[1], out.output()[t], EXACT, "top layer h_" + (t + 1));
        }
        assertArrayEquals(h, out.finalState().h(), EXACT);
    }

    @Test
    void elmanGradientsByHand() {
        // T = 2, H = I = 1, tanh: S = gy1 h1 + gy2 h2 + gh h2, derivatives by the chain rule
        SequenceLayer<double[]> layer = tiny(CellKind.RNN_TANH);
        CellParams<double[]> p = layer.params(0, 0);
        double w = 0.9;
        double u = -0.6;
        double bi = 0.1;
        double bh = -0.25;
        set(p.weightIh(), w);
        set(p.weightHh(), u);
        set(p.biasIh(), bi);
        set(p.biasHh(), bh);
        double[] x = {0.7, -0.2};
        double h0 = 0.3;
        double gy1 = 0.5;
        double gy2 = -1.5;
        double gh = 0.75;
        double h1 = Math.tanh(((w * x[0] + bi) + u * h0) + bh);
        double h2 = Math.tanh(((w * x[1] + bi) + u * h1) + bh);
        double da2 = (gy2 + gh) * (1 - h2 * h2);
        double da1 = (gy1 + da2 * u) * (1 - h1 * h1);
        layer.zeroGrad();
        SequenceOutput<double[]> out = layer.forward(Activations.sequence(x.clone(), 2, 1, layer.config().inputSize()),
                new State<>(new double[] {h0}, null), true);
        InputGradients<double[]> g = layer.backward(out.tape(), new double[] {gy1, gy2},
                new State<>(new double[] {gh}, null));
        double tol = 1e-15;
        assertEquals(da1 * w, g.dx()[0], tol, "dx_1");
        assertEquals(da2 * w, g.dx()[1], tol, "dx_2");
        assertEquals(da1 * u, g.initialState().h()[0], tol, "dh0");
        assertEquals(da1 * x[0] + da2 * x[1], p.weightIh().grad()[0], tol, "dW_ih");
        assertEquals(da1 * h0 + da2 * h1, p.weightHh().grad()[0], tol, "dW_hh");
        assertEquals(da1 + da2, p.biasIh().grad()[0], tol, "db_ih");
        assertEquals(da1 + da2, p.biasHh().grad()[0], tol, "db_hh");
    }
}
