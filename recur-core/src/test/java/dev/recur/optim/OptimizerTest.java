package dev.recur.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.nn.Parameter;
import dev.recur.tensor.Precision;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Two optimizer steps on one 3-element parameter, checked against the update rules of the golden
 * README §7 (PyTorch 1.13) evaluated by hand, element by element, in this test; in float64 and in
 * float32. Also: state export/import, learning-rate changes and argument checks.
 */
class OptimizerTest {

    private static final double[] P0 = {1.0, -2.0, 0.5};
    private static final double[] G1 = {0.5, 0.25, -0.1};
    private static final double[] G2 = {-1.0, 2.0, 0.3};

    /** An optimizer factory for either precision. */
    interface Factory {
        <A> Optimizer<A> create(Precision<A> pr, Map<String, Parameter<A>> params);
    }

    /** Runs two steps with gradients g1, g2 from P0; returns the parameter after each step. */
    private static <A> double[][] run(Precision<A> pr, Factory f, double[] g1, double[] g2) {
        Parameter<A> w = new Parameter<>(pr.kernels(), "w", 3);
        pr.kernels().copy(pr.fromDoubles(P0), 0, w.value(), 0, 3);
        Map<String, Parameter<A>> params = new LinkedHashMap<>();
        params.put("w", w);
        Optimizer<A> opt = f.create(pr, params);
        double[][] out = new double[2][];
        double[][] grads = {g1, g2};
        for (int s = 0; s < 2; s++) {
            opt.zeroGrad();
            pr.kernels().copy(pr.fromDoubles(grads[s]), 0, w.grad(), 0, 3);
            opt.step();
            out[s] = pr.toDoubles(w.value());
        }
        assertEquals(2, opt.stepCount());
        return out;
    }

    /** Checks both precisions against the hand-computed values {@code expected[step][element]}. */
    private static void check(String what, Factory f, double[] g1, double[] g2, double[][] expected) {
        double[][] d = run(Precision.F64, f, g1, g2);
        double[][] s = run(Precision.F32, f, g1, g2);
        for (int step = 0; step < 2; step++) {
            for (int i = 0; i < 3; i++) {
                double e = expected[step][i];
                assertEquals(e, d[step][i], 1e-14 * Math.max(1, Math.abs(e)), what + " float64 step " + (step + 1) + " [" + i + "]");
                assertEquals(e, s[step][i], 2e-6 * Math.max(1, Math.abs(e)), what + " float32 step " + (step + 1) + " [" + i + "]");
            }
        }
    }

    private static double[][] expected(Function<Integer, double[]> perElement) {
        double[][] e = new double[2][3];
        for (int i = 0; i < 3; i++) {
            double[] v = perElement.apply(i);
            e[0][i] = v[0];
            e[1][i] = v[1];
        }
        return e;
    }

    // ------------------------------------------------------------------------------------------ SGD

    @Test
    void sgdWithMomentum() {
        double lr = 0.1, mu = 0.9;
        check("sgd momentum", new Factory() {
            public <A> Optimizer<A> create(Precision<A> pr, Map<String, Parameter<A>> p) {
                return new Sgd<>(pr, p, SgdConfig.builder(lr).momentum(mu).build());
            }
        }, G1, G2, expected(i -> {
            double buf = G1[i];                      // first step: buf = g (not (1−τ) g)
            double p1 = P0[i] - lr * buf;
            buf = mu * buf + G2[i];
            double p2 = p1 - lr * buf;
            return new double[] {p1, p2};
        }));
    }

    @Test
    void sgdWithDampeningAndWeightDecay() {
        double lr = 0.1, mu = 0.9, tau = 0.3, wd = 0.01;
        check("sgd dampening+wd", new Factory() {
            public <A> Optimizer<A> create(Precision<A> pr, Map<String, Parameter<A>> p) {
                return new Sgd<>(pr, p, SgdConfig.builder(lr).momentum(mu).dampening(tau).weightDecay(wd).build());
            }
        }, G1, G2, expected(i -> {
            double d = G1[i] + wd * P0[i];
            double buf = d;
            double p1 = P0[i] - lr * buf;
            d = G2[i] + wd * p1;
            buf = mu * buf + (1 - tau) * d;
            double p2 = p1 - lr * buf;
            return new double[] {p1, p2};
        }));
    }

    @Test
    void sgdNesterov() {
        double lr = 0.05, mu = 0.8;
        check("sgd nesterov", new Factory() {
            public <A> Optimizer<A> create(Precision<A> pr, Map<String, Parameter<A>> p) {
                return new Sgd<>(pr, p, SgdConfig.builder(lr).momentum(mu).nesterov(true).build());
            }
        }, G1, G2, expected(i -> {
            double buf = G1[i];
            double p1 = P0[i] - lr * (G1[i] + mu * buf);
            buf = mu * buf + G2[i];
            double p2 = p1 - lr * (G2[i] + mu * buf);
            return new double[] {p1, p2};
        }));
    }

    @Test
    void sgdPlainAndMaximize() {
        double lr = 0.5;
        check("sgd plain", new Factory() {
            public <A> Optimizer<A> create(Precision<A> pr, Map<String, Parameter<A>> p) {
                return new Sgd<>(pr, p, SgdConfig.builder(lr).build());
            }
        }, G1, G2, expected(i -> new double[] {P0[i] - lr * G1[i], P0[i] - lr * G1[i] - lr * G2[i]}));
        check("sgd maximize", new Factory() {
            public <A> Optimizer<A> create(Precision<A> pr, Map<String, Parameter<A>> p) {
                return new Sgd<>(pr, p, SgdConfig.builder(lr).maximize(true).build());
            }
        }, G1, G2, expected(i -> new double[] {P0[i] + lr * G1[i], P0[i] + lr * G1[i] + lr * G2[i]}));
    }

    // ------------------------------------------------------------------------------------------ Adam

    @Test
    void adam() {
        double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8;
        check("adam", new Factory() {
            public <A> Optimizer<A> create(Precision<A> pr, Map<String, Parameter<A>> p) {
                return new Adam<>(pr, p, AdamConfig.adam().lr(lr).build());
            }
        }, G1, G2, expected(i -> {
            double m = (1 - b1) * G1[i];
            double v = (1 - b2) * G1[i] * G1[i];
            double p1 = P0[i] - lr / (1 - b1) * m / (Math.sqrt(v) / Math.sqrt(1 - b2) + eps);
            m = b1 * m + (1 - b1) * G2[i];
            v = b2 * v + (1 - b2) * G2[i] * G2[i];
            double p2 = p1 - lr / (1 - b1 * b1) * m / (Math.sqrt(v) / Math.sqrt(1 - b2 * b2) + eps);
            return new double[] {p1, p2};
        }));
    }

    @Test
    void adamAmsgradWithL2WeightDecay() {
        double lr = 0.01, b1 = 0.8, b2 = 0.99, eps = 1e-6, wd = 0.1;
        double[] small = {0.01, 0.02, 0.001};   // second moment shrinks: AMSGrad keeps the first
        check("adam amsgrad+wd", new Factory() {
            public <A> Optimizer<A> create(Precision<A> pr, Map<String, Parameter<A>> p) {
                return new Adam<>(pr, p, AdamConfig.adam().lr(lr).beta1(b1).beta2(b2).eps(eps).weightDecay(wd)
                        .amsgrad(true).build());
            }
        }, G1, small, expected(i -> {
            double g = G1[i] + wd * P0[i];
            double m = (1 - b1) * g;
            double v = (1 - b2) * g * g;
            double vMax = v;
            double p1 = P0[i] - lr / (1 - b1) * m / (Math.sqrt(vMax) / Math.sqrt(1 - b2) + eps);
            g = small[i] + wd * p1;
            m = b1 * m + (1 - b1) * g;
            v = b2 * v + (1 - b2) * g * g;
            vMax = Math.max(vMax, v);
            double p2 = p1 - lr / (1 - b1 * b1) * m / (Math.sqrt(vMax) / Math.sqrt(1 - b2 * b2) + eps);
            return new double[] {p1, p2};
        }));
    }

    @Test
    void adamW() {
        double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0.01;
        check("adamw", new Factory() {
            public <A> Optimizer<A> create(Precision<A> pr, Map<String, Parameter<A>> p) {
                return new AdamW<>(pr, p, AdamConfig.adamW().lr(lr).build());   // default weight decay 0.01
            }
        }, G1, G2, expected(i -> {
            double p = P0[i] * (1 - lr * wd);      // decoupled decay first, gradient untouched
            double m = (1 - b1) * G1[i];
            double v = (1 - b2) * G1[i] * G1[i];
            double p1 = p - lr / (1 - b1) * m / (Math.sqrt(v) / Math.sqrt(1 - b2) + eps);
            p = p1 * (1 - lr * wd);
            m = b1 * m + (1 - b1) * G2[i];
            v = b2 * v + (1 - b2) * G2[i] * G2[i];
            double p2 = p - lr / (1 - b1 * b1) * m / (Math.sqrt(v) / Math.sqrt(1 - b2 * b2) + eps);
            return new double[] {p1, p2};
        }));
    }

    // ------------------------------------------------------------------------------------------ RMSprop

    @Test
    void rmsprop() {
        double lr = 0.002, alpha = 0.95, eps = 1e-8;
        check("rmsprop", new Factory() {
            public <A> Optimizer<A> create(Precision<A> pr, Map<String, Parameter<A>> p) {
                return new RMSprop<>(pr, p, RMSpropConfig.builder().lr(lr).alpha(alpha).build());
            }
        }, G1, G2, expected(i -> {
            double v = (1 - alpha) * G1[i] * G1[i];
            double p1 = P0[i] - lr * G1[i] / (Math.sqrt(v) + eps);   // eps outside the root
            v = alpha * v + (1 - alpha) * G2[i] * G2[i];
            double p2 = p1 - lr * G2[i] / (Math.sqrt(v) + eps);
            return new double[] {p1, p2};
        }));
    }

    @Test
    void rmspropCenteredWithMomentumAndWeightDecay() {
        double lr = 0.01, alpha = 0.9, eps = 1e-6, mu = 0.5, wd = 0.05;
        check("rmsprop centered+momentum+wd", new Factory() {
            public <A> Optimizer<A> create(Precision<A> pr, Map<String, Parameter<A>> p) {
                return new RMSprop<>(pr, p, RMSpropConfig.builder().lr(lr).alpha(alpha).eps(eps).momentum(mu)
                        .weightDecay(wd).centered(true).build());
            }
        }, G1, G2, expected(i -> {
            double g = G1[i] + wd * P0[i];
            double v = (1 - alpha) * g * g;
            double gAvg = (1 - alpha) * g;
            double buf = g / (Math.sqrt(v - gAvg * gAvg) + eps);
            double p1 = P0[i] - lr * buf;
            g = G2[i] + wd * p1;
            v = alpha * v + (1 - alpha) * g * g;
            gAvg = alpha * gAvg + (1 - alpha) * g;
            buf = mu * buf + g / (Math.sqrt(v - gAvg * gAvg) + eps);
            double p2 = p1 - lr * buf;
            return new double[] {p1, p2};
        }));
    }

    // ------------------------------------------------------------------------------------------ state

    private static final List<Factory> ALL = List.of(
            new Factory() {
                public <A> Optimizer<A> create(Precision<A> pr, Map<String, Parameter<A>> p) {
                    return new Sgd<>(pr, p, SgdConfig.builder(0.1).momentum(0.9).build());
                }
            },
            new Factory() {
                public <A> Optimizer<A> create(Precision<A> pr, Map<String, Parameter<A>> p) {
                    return new Adam<>(pr, p, AdamConfig.adam().amsgrad(true).build());
                }
            },
            new Factory() {
                public <A> Optimizer<A> create(Precision<A> pr, Map<String, Parameter<A>> p) {
                    return new AdamW<>(pr, p, AdamConfig.adamW().build());
                }
            },
            new Factory() {
                public <A> Optimizer<A> create(Precision<A> pr, Map<String, Parameter<A>> p) {
                    return new RMSprop<>(pr, p, RMSpropConfig.builder().momentum(0.5).centered(true).build());
                }
            });

    private static Map<String, Parameter<float[]>> twoParams() {
        Map<String, Parameter<float[]>> m = new LinkedHashMap<>();
        m.put("a.weight", new Parameter<>(Precision.F32.kernels(), "weight", 2, 2));
        m.put("a.bias", new Parameter<>(Precision.F32.kernels(), "bias", 2));
        for (Parameter<float[]> p : m.values()) {
            for (int i = 0; i < p.size(); i++) {
                p.value()[i] = 0.1f * (i + 1);
            }
        }
        return m;
    }

    private static void setGrads(Map<String, Parameter<float[]>> m, float scale) {
        for (Parameter<float[]> p : m.values()) {
            for (int i = 0; i < p.size(); i++) {
                p.grad()[i] = scale * (i - 1.5f);
            }
        }
    }

    @Test
    void exportedStateResumesBitForBit() {
        for (Factory f : ALL) {
            Map<String, Parameter<float[]>> pa = twoParams();
            Optimizer<float[]> a = f.create(Precision.F32, pa);
            for (int s = 0; s < 3; s++) {
                setGrads(pa, 1 + s);
                a.step();
            }
            OptimizerState state = a.exportState();
            assertEquals(3, state.steps());
            for (OptimizerState.Entry e : state.arrays()) {
                assertTrue(e.name().startsWith("a.weight.") || e.name().startsWith("a.bias."), e.name());
            }
            // a fresh optimizer on parameters with the same values, given the exported state
            Map<String, Parameter<float[]>> pb = twoParams();
            for (String n : pa.keySet()) {
                System.arraycopy(pa.get(n).value(), 0, pb.get(n).value(), 0, pa.get(n).size());
            }
            Optimizer<float[]> b = f.create(Precision.F32, pb);
            b.importState(state);
            assertEquals(3, b.stepCount());
            setGrads(pa, -0.5f);
            setGrads(pb, -0.5f);
            a.step();
            b.step();
            for (String n : pa.keySet()) {
                assertArrayEquals(pa.get(n).value(), pb.get(n).value(), 0, state.optimizer() + " " + n);
            }
            assertEquals(a.exportState(), b.exportState());
        }
    }

    @Test
    void firstNonFiniteNamesTheParameterOrStateArrayAndElement() {
        Map<String, Parameter<float[]>> p = twoParams();
        Optimizer<float[]> adam = new Adam<>(Precision.F32, p, AdamConfig.adam().build());
        setGrads(p, 1);
        adam.step();
        assertEquals(Optional.empty(), adam.firstNonFinite());
        // A gradient that overflows when squared: exp_avg_sq becomes infinite, the weights stay finite.
        setGrads(p, 1e30f);
        adam.step();
        assertEquals(Optional.of("optimizer state a.weight.exp_avg_sq[0, 0] = Infinity"),
                adam.firstNonFinite());
        p.get("a.bias").value()[1] = Float.NaN;
        p.get("a.weight").value()[3] = Float.NEGATIVE_INFINITY;
        assertEquals(Optional.of("parameter a.weight[1, 1] = -Infinity"), adam.firstNonFinite());
    }

    @Test
    void stateNamesFollowPyTorch() {
        Map<String, Parameter<float[]>> p = twoParams();
        List<String> names = new Adam<>(Precision.F32, p, AdamConfig.adam().build()).exportState().arrays().stream()
                .map(OptimizerState.Entry::name).toList();
        assertEquals(List.of("a.weight.exp_avg", "a.weight.exp_avg_sq", "a.bias.exp_avg", "a.bias.exp_avg_sq"), names);
        assertEquals(List.of("a.weight.momentum_buffer", "a.bias.momentum_buffer"),
                new Sgd<>(Precision.F32, p, SgdConfig.builder(1).momentum(0.5).build()).exportState().arrays().stream()
                        .map(OptimizerState.Entry::name).toList());
        assertEquals(List.of(), new Sgd<>(Precision.F32, p, SgdConfig.builder(1).build()).exportState().arrays());
    }

    @Test
    void importRejectsForeignState() {
        Map<String, Parameter<float[]>> p = twoParams();
        OptimizerState adam = new Adam<>(Precision.F32, p, AdamConfig.adam().build()).exportState();
        Sgd<float[]> sgd = new Sgd<>(Precision.F32, p, SgdConfig.builder(0.1).momentum(0.9).build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sgd.importState(adam));
        assertTrue(e.getMessage().contains("expected the state of sgd, found the state of adam"), e.getMessage());
        Adam<float[]> other = new Adam<>(Precision.F32, p, AdamConfig.adam().amsgrad(true).build());
        e = assertThrows(IllegalArgumentException.class, () -> other.importState(adam));
        assertTrue(e.getMessage().contains("missing [a.weight.max_exp_avg_sq, a.bias.max_exp_avg_sq]"), e.getMessage());
        List<OptimizerState.Entry> bad = new java.util.ArrayList<>(adam.arrays());
        bad.set(0, new OptimizerState.Entry("a.weight.exp_avg", new int[] {4}, new double[4]));
        e = assertThrows(IllegalArgumentException.class,
                () -> new Adam<>(Precision.F32, p, AdamConfig.adam().build()).importState(
                        new OptimizerState("adam", 1, bad)));
        assertTrue(e.getMessage().contains("expected shape [2, 2]"), e.getMessage());
    }

    @Test
    void learningRateCanChangeBetweenSteps() {
        Map<String, Parameter<float[]>> p = twoParams();
        Sgd<float[]> sgd = new Sgd<>(Precision.F32, p, SgdConfig.builder(0.1).build());
        assertEquals(0.1, sgd.learningRate());
        sgd.setLearningRate(0.0);
        setGrads(p, 1);
        float before = p.get("a.bias").value()[0];
        sgd.step();
        assertEquals(before, p.get("a.bias").value()[0]);
        assertThrows(IllegalArgumentException.class, () -> sgd.setLearningRate(-1));
        assertThrows(IllegalArgumentException.class, () -> sgd.setLearningRate(Double.NaN));
    }

    @Test
    void configsValidateAndDefaultToPyTorch() {
        AdamConfig adam = AdamConfig.adam().build();
        assertEquals(new AdamConfig(1e-3, 0.9, 0.999, 1e-8, 0, false, false), adam);
        assertEquals(0.01, AdamConfig.adamW().build().weightDecay());
        assertEquals(new RMSpropConfig(1e-2, 0.99, 1e-8, 0, 0, false, false), RMSpropConfig.builder().build());
        assertEquals(new SgdConfig(0.3, 0, 0, false, 0, false), SgdConfig.builder(0.3).build());
        assertThrows(IllegalArgumentException.class, () -> SgdConfig.builder(0.1).nesterov(true).build());
        assertThrows(IllegalArgumentException.class,
                () -> SgdConfig.builder(0.1).momentum(0.9).dampening(0.1).nesterov(true).build());
        assertThrows(IllegalArgumentException.class, () -> SgdConfig.builder(-0.1).build());
        assertThrows(IllegalArgumentException.class, () -> AdamConfig.adam().beta1(1).build());
        assertThrows(IllegalArgumentException.class, () -> AdamConfig.adam().eps(-1).build());
        assertThrows(IllegalArgumentException.class, () -> RMSpropConfig.builder().alpha(-0.5).build());
        Map<String, Parameter<float[]>> p = twoParams();
        Map<String, Parameter<float[]>> dup = new LinkedHashMap<>(p);
        dup.put("again", p.get("a.bias"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Sgd<>(Precision.F32, dup, SgdConfig.builder(0.1).build()));
        assertTrue(e.getMessage().contains("given twice"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Sgd<>(Precision.F32, Map.of(), SgdConfig.builder(0.1).build()));
    }
}
