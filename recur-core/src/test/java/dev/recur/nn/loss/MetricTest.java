package dev.recur.nn.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.nn.Activations;
import dev.recur.tensor.Precision;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** {@link Metric} and {@link MetricAccumulator}: values derived by hand or with the formulas in Python. */
class MetricTest {

    private static final Precision<double[]> F64 = Precision.F64;
    private static final List<Metric> CLASS = List.of(Metric.ACCURACY, Metric.MACRO_F1);
    private static final List<Metric> VALUE = List.of(Metric.MAE, Metric.RMSE);

    /**
     * Five counted rows of C = 3 (a sixth ignored):
     * <pre>
     * r0 [0.1, 0.7, 0.2] → 1, y 1  right
     * r1 [0.5, 0.5, 0.0] → 0 (tie: the first maximum), y 1  wrong
     * r2 [0.0, 0.1, 0.9] → 2, y 2  right
     * r3 [0.3, 0.3, 0.3] → 0 (three-way tie), y 0  right
     * r4 [0.9, 0.0, 0.1] → 0, y 2  wrong
     * r5 [0.2, 0.8, 0.0] y −100: does not count
     * accuracy = 3/5
     * class 0: TP 1 (r3), FP 2 (r1, r4), FN 0 → F1 = 2/(2 + 2 + 0) = 1/2
     * class 1: TP 1 (r0), FP 0, FN 1 (r1)     → F1 = 2/(2 + 0 + 1) = 2/3
     * class 2: TP 1 (r2), FP 0, FN 1 (r4)     → F1 = 2/3
     * macro-F1 = (1/2 + 2/3 + 2/3)/3 = 11/18
     * </pre>
     */
    @Test
    void accuracyAndMacroF1ByHand() {
        double[] out = {0.1, 0.7, 0.2, 0.5, 0.5, 0.0, 0.0, 0.1, 0.9, 0.3, 0.3, 0.3, 0.9, 0.0, 0.1, 0.2, 0.8, 0.0};
        MetricAccumulator acc = new MetricAccumulator(CLASS, Targets.IGNORE_INDEX);
        acc.add(F64, Activations.perSequence(out, 6, 3), new Targets.Classes(new int[] {1, 1, 2, 0, 2, -100}));
        Map<String, Double> v = acc.values();
        assertEquals(List.of("accuracy", "macro_f1"), List.copyOf(v.keySet()));
        assertEquals(0.6, v.get("accuracy"), 1e-15);
        assertEquals(11.0 / 18, v.get("macro_f1"), 1e-15);
        // the same in float32, and in the other order
        MetricAccumulator f32 = new MetricAccumulator(List.of(Metric.MACRO_F1, Metric.ACCURACY), Targets.IGNORE_INDEX);
        f32.add(Precision.F32, Activations.perSequence(Precision.F32.fromDoubles(out), 6, 3),
                new Targets.Classes(new int[] {1, 1, 2, 0, 2, -100}));
        assertEquals(List.of("macro_f1", "accuracy"), List.copyOf(f32.values().keySet()));
        assertEquals(11.0 / 18, f32.values().get("macro_f1"), 1e-15);
    }

    /**
     * Macro-F1 over the union of the classes in targets and predictions (C = 5):
     * r0 → 3, y 0; r1 → 0, y 0; r2 → 1, y 1.
     * class 0: TP 1, FN 1 → 2/3; class 1: TP 1 → 1; class 3 (predicted, never a target): FP 1 → 0;
     * classes 2 and 4 occur nowhere and are left out: (2/3 + 1 + 0)/3 = 5/9 (scikit-learn's
     * f1_score([0, 0, 1], [3, 0, 1], average='macro') gives the same). Accuracy 2/3.
     */
    @Test
    void macroF1AveragesOverTheClassesInTargetsOrPredictions() {
        double[] out = {0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0};
        MetricAccumulator acc = new MetricAccumulator(CLASS, Targets.IGNORE_INDEX);
        acc.add(F64, Activations.perSequence(out, 3, 5), new Targets.Classes(new int[] {0, 0, 1}));
        assertEquals(5.0 / 9, acc.values().get("macro_f1"), 1e-15);
        assertEquals(2.0 / 3, acc.values().get("accuracy"), 1e-15);
    }

    /**
     * Two batches. Batch 1 per step, T = 2, B = 2, lengths [2, 1], C = 2; rows t*B + b:
     * r0 [1, 0] → 0, y 0 right; r1 [0, 1] → 1, y 0 wrong; r2 [0, 2] → 1, y 1 right;
     * r3 is padding (its id 99 is not even a class, and is not read).
     * Batch 2 per sequence: [3, 1] y −100 (ignored); [1, 3] → 1, y 1 right.
     * Counted 4, right 3: accuracy 3/4.
     * class 0: TP 1, FP 0, FN 1 → 2/3; class 1: TP 2, FP 1, FN 0 → 4/5; macro-F1 = (2/3 + 4/5)/2 = 11/15.
     */
    @Test
    void perStepLengthsAndIgnoredIdsDoNotCountAcrossBatches() {
        MetricAccumulator acc = new MetricAccumulator(CLASS, Targets.IGNORE_INDEX);
        acc.add(F64, Activations.sequence(new double[] {1, 0, 0, 1, 0, 2, 5, 0}, 2, 2, 2, new int[] {2, 1}),
                new Targets.Classes(new int[] {0, 0, 1, 99}));
        acc.add(F64, Activations.perSequence(new double[] {3, 1, 1, 3}, 2, 2), new Targets.Classes(new int[] {-100, 1}));
        assertEquals(0.75, acc.values().get("accuracy"), 1e-15);
        assertEquals(11.0 / 15, acc.values().get("macro_f1"), 1e-15);
        // another ignore index: 1 is then ignored, and -100 a bad id
        MetricAccumulator other = new MetricAccumulator(CLASS, 1);
        other.add(F64, Activations.perSequence(new double[] {3, 1, 1, 3}, 2, 2), new Targets.Classes(new int[] {0, 1}));
        assertEquals(1.0, other.values().get("accuracy"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> other.add(F64,
                Activations.perSequence(new double[] {3, 1}, 1, 2), new Targets.Classes(new int[] {-100})));
        assertTrue(e.getMessage().contains("target id -100 at row 0: expected a class in 0..1 (C = 2) or the ignore "
                + "index 1"), e.getMessage());
    }

    /**
     * Per step, T = 2, B = 2, lengths [1, 2], width 2; rows t*B + b:
     * r0 p (1, 2), y (0, 4): e = (1, −2); r1 p (0, 0), y (0.5, −0.5): e = (−0.5, 0.5);
     * r2 padding (a NaN target, not read); r3 p (3, 3), y (3, 6): e = (0, −3).
     * Σ|e| = 7, Σe² = 14.5 over n = 6: MAE = 7/6, RMSE = sqrt(14.5/6).
     */
    @Test
    void maeAndRmseByHand() {
        MetricAccumulator acc = new MetricAccumulator(VALUE, Targets.IGNORE_INDEX);
        acc.add(F64, Activations.sequence(new double[] {1, 2, 0, 0, 100, 100, 3, 3}, 2, 2, 2, new int[] {1, 2}),
                new Targets.Values(new double[] {0, 4, 0.5, -0.5, Double.NaN, 0, 3, 6}, 2));
        assertEquals(7.0 / 6, acc.values().get("mae"), 1e-15);
        assertEquals(Math.sqrt(14.5 / 6), acc.values().get("rmse"), 1e-15);
    }

    /**
     * Twelve rows of C = 4 and nine values, computed in plain Python from the formulas (argmax with
     * the first maximum on ties; F1 per class over the union of labels; no scikit-learn):
     * <pre>
     * pred = [max(range(4), key=lambda j: (r[j], -j)) for r in out]   # [2,0,1,3,0,0,1,2,0,2,3,2]
     * accuracy = 7/12 = 0.5833333333333334
     * per class (TP, FP, FN): 0 (2, 2, 1), 1 (1, 1, 2), 2 (3, 1, 1), 3 (1, 1, 1)
     * macro_f1 = (4/7 + 2/5 + 3/4 + 1/2)/4 = 0.5553571428571429
     * mae  = sum(abs(a - b))/9          = 0.6111111111111112
     * rmse = math.sqrt(sum((a - b)**2)/9) = 0.8333333333333334
     * </pre>
     */
    @Test
    void agreesWithTheFormulasComputedInPython() {
        double[] out = {0.3, -1.2, 0.8, 0.1, 2.0, 0.4, -0.3, 0.0, -0.5, 0.9, 0.9, 0.2, 0.1, 0.1, 0.0, 1.7,
                1.1, -0.2, 0.6, 0.3, 0.0, 0.0, 0.0, 0.0, -1.0, 2.2, 0.4, -0.7, 0.5, 0.2, 1.4, 0.9,
                0.8, 0.8, -0.1, 0.8, -0.3, -0.4, -0.2, -0.6, 1.5, 0.2, 0.3, 1.6, 0.0, -2.0, 0.7, 0.1};
        int[] y = {2, 0, 2, 3, 1, 0, 1, 3, 1, 2, 0, 2};
        MetricAccumulator acc = new MetricAccumulator(CLASS, Targets.IGNORE_INDEX);
        // in two batches of 5 and 7 rows: the same as one
        acc.add(F64, Activations.perSequence(java.util.Arrays.copyOfRange(out, 0, 20), 5, 4),
                new Targets.Classes(java.util.Arrays.copyOfRange(y, 0, 5)));
        acc.add(F64, Activations.perSequence(java.util.Arrays.copyOfRange(out, 20, 48), 7, 4),
                new Targets.Classes(java.util.Arrays.copyOfRange(y, 5, 12)));
        assertEquals(0.5833333333333334, acc.values().get("accuracy"), 1e-15);
        assertEquals(0.5553571428571429, acc.values().get("macro_f1"), 1e-15);

        double[] p = {0.25, -1.5, 3.0, 0.75, 2.0, -0.125, 1.0, 0.5, -2.25};
        double[] t = {0.5, -1.0, 2.0, 1.5, 2.0, 0.375, -1.0, 0.25, -2.0};
        MetricAccumulator values = new MetricAccumulator(VALUE, Targets.IGNORE_INDEX);
        values.add(F64, Activations.perSequence(p, 3, 3), new Targets.Values(t, 3));
        assertEquals(0.6111111111111112, values.values().get("mae"), 1e-15);
        assertEquals(0.8333333333333334, values.values().get("rmse"), 1e-15);
    }

    @Test
    void nothingCountedIsNaN() {
        MetricAccumulator acc = new MetricAccumulator(CLASS, Targets.IGNORE_INDEX);
        assertTrue(acc.values().values().stream().allMatch(d -> d.isNaN()));
        acc.add(F64, Activations.perSequence(new double[] {1, 2}, 1, 2), new Targets.Classes(new int[] {-100}));
        assertTrue(acc.values().get("accuracy").isNaN());
        assertTrue(acc.values().get("macro_f1").isNaN());
        MetricAccumulator values = new MetricAccumulator(VALUE, Targets.IGNORE_INDEX);
        assertTrue(values.values().get("mae").isNaN());
        assertTrue(values.values().get("rmse").isNaN());
        assertEquals(Map.of(), new MetricAccumulator(List.of(), Targets.IGNORE_INDEX).values());
    }

    @Test
    void idsDirectionsAndDefaults() {
        for (Metric m : Metric.values()) {
            assertEquals(m, Metric.fromId(m.id()));
        }
        assertEquals(List.of("accuracy", "macro_f1", "mae", "rmse"),
                java.util.Arrays.stream(Metric.values()).map(Metric::id).toList());
        assertTrue(Metric.ACCURACY.higherIsBetter() && Metric.MACRO_F1.higherIsBetter());
        assertFalse(Metric.MAE.higherIsBetter() || Metric.RMSE.higherIsBetter());
        assertTrue(Metric.ACCURACY.classTargets() && Metric.MACRO_F1.classTargets());
        assertFalse(Metric.MAE.classTargets() || Metric.RMSE.classTargets());
        assertEquals(CLASS, Metric.defaultsFor(CrossEntropy.builder().labelSmoothing(0.1).build()));
        assertEquals(VALUE, Metric.defaultsFor(new MeanSquaredError(Reduction.SUM)));
        assertEquals(VALUE, Metric.defaultsFor(new L1Loss(Reduction.MEAN)));
        assertEquals(VALUE, Metric.defaultsFor(HuberLoss.builder().build()));
        assertEquals(List.of(), Metric.defaultsFor(BinaryCrossEntropy.builder().build()));
    }

    @Test
    void badInputIsRefused() {
        message(() -> Metric.fromId("f1"), "metric: expected one of accuracy, macro_f1, mae, rmse, found 'f1'");
        message(() -> new MetricAccumulator(List.of(Metric.ACCURACY, Metric.MAE), -100),
                "expected metrics of class ids (accuracy, macro_f1) or of values (mae, rmse), found both");
        message(() -> new MetricAccumulator(List.of(Metric.RMSE, Metric.RMSE), -100),
                "expected each metric once, found [rmse, rmse]");
        MetricAccumulator classes = new MetricAccumulator(CLASS, -100);
        message(() -> classes.add(F64, Activations.perSequence(new double[4], 2, 2), new Targets.Values(new double[4], 2)),
                "expected one class id per output row (2 for [B, F] = [2, 2]), found Values[2 rows of width 2]");
        message(() -> classes.add(F64, Activations.perSequence(new double[4], 2, 2), new Targets.Classes(new int[3])),
                "found Classes[3 ids]");
        message(() -> classes.add(F64, Activations.perSequence(new double[4], 2, 2), new Targets.Classes(new int[] {0, 2})),
                "target id 2 at row 1: expected a class in 0..1 (C = 2)");
        MetricAccumulator values = new MetricAccumulator(VALUE, -100);
        message(() -> values.add(F64, Activations.perSequence(new double[4], 2, 2), new Targets.Values(new double[4], 1)),
                "expected 2 rows of 2 values (as the output [B, F] = [2, 2]), found Values[4 rows of width 1]");
    }

    private static void message(Executable call, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), "expected '" + fragment + "' in: " + e.getMessage());
    }
}
