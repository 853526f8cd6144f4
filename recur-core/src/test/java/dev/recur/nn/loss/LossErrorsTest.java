package dev.recur.nn.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.nn.Activations;
import dev.recur.tensor.Precision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every bad argument gives an {@link IllegalArgumentException} of one line naming expected, found and cause. */
class LossErrorsTest {

    private static final Precision<double[]> F64 = Precision.F64;

    /** Asserts the call throws, in one line, a message holding every fragment. */
    static void assertMessage(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        String m = e.getMessage();
        assertFalse(m.contains("\n"), "one line: " + m);
        for (String f : fragments) {
            assertTrue(m.contains(f), "message should contain '" + f + "': " + m);
        }
    }

    /** Per step {@code [T, B, C] = [2, 3, 4]}, lengths [2, 1, 2]: row 4 (t = 1, b = 1) is padding. */
    private static Activations<double[]> steps() {
        return Activations.sequence(new double[24], 2, 3, 4, new int[] {2, 1, 2});
    }

    @Test
    void targetsAreValidated() {
        assertMessage(() -> new Targets.Classes(null), "class targets", "expected at least one id", "found null");
        assertMessage(() -> new Targets.Classes(new int[0]), "expected at least one id", "found none", "empty batch");
        assertMessage(() -> new Targets.Values(new double[4], 0), "expected width >= 1", "found 0");
        assertMessage(() -> new Targets.Values(new double[5], 2), "expected N rows of width 2", "found 5 values",
                "likely cause");
        assertMessage(() -> new Targets.Values(new double[0], 2), "found 0 values");
        assertMessage(() -> new Targets.Values(null, 2), "found null");
    }

    @Test
    void settingsAreValidated() {
        assertMessage(() -> CrossEntropy.builder().classWeights(new double[] {1, -1}).build(),
                "cross_entropy class_weights[1] = -1.0", "expected a finite number >= 0");
        assertMessage(() -> CrossEntropy.builder().classWeights(new double[] {Double.NaN}).build(),
                "class_weights[0] = NaN");
        assertMessage(() -> CrossEntropy.builder().classWeights(new double[] {Double.POSITIVE_INFINITY}).build(),
                "class_weights[0] = Infinity");
        assertMessage(() -> CrossEntropy.builder().classWeights(new double[0]).build(),
                "class_weights", "expected one weight per class, found none");
        assertMessage(() -> CrossEntropy.builder().labelSmoothing(1).build(),
                "cross_entropy label_smoothing: expected a number in [0, 1), found 1.0");
        assertMessage(() -> CrossEntropy.builder().labelSmoothing(-0.1).build(), "found -0.1");
        assertMessage(() -> CrossEntropy.builder().labelSmoothing(Double.NaN).build(), "found NaN");
        assertMessage(() -> CrossEntropy.builder().reduction(null).build(),
                "cross_entropy reduction: expected mean or sum, found null");
        assertMessage(() -> new BinaryCrossEntropy(new double[] {1, -2}, Reduction.MEAN),
                "binary_cross_entropy_with_logits pos_weight[1] = -2.0", "expected a finite number >= 0");
        assertMessage(() -> new HuberLoss(0, Reduction.MEAN), "huber delta: expected a finite number > 0, found 0.0");
        assertMessage(() -> new HuberLoss(-1, Reduction.SUM), "found -1.0");
        assertMessage(() -> new HuberLoss(Double.POSITIVE_INFINITY, Reduction.SUM), "found Infinity");
        assertMessage(() -> new HuberLoss(Double.NaN, Reduction.SUM), "found NaN");
        assertMessage(() -> new MeanSquaredError(null), "mse reduction: expected mean or sum, found null");
        assertMessage(() -> new L1Loss(null), "l1 reduction");
        assertMessage(() -> Reduction.fromId("none"), "reduction: expected one of mean, sum, found 'none'",
                "not offered");
        assertMessage(() -> Reduction.fromId("MEAN"), "found 'MEAN'", "lower case");
    }

    @Test
    void targetsMustMatchTheOutput() {
        Activations<double[]> out = steps();
        CrossEntropy ce = CrossEntropy.builder().build();
        Loss mse = new MeanSquaredError(Reduction.MEAN);
        assertMessage(() -> ce.compute(F64, out, new Targets.Values(new double[24], 4), null),
                "cross_entropy targets: expected class ids (Targets.Classes), found Values[6 rows of width 4]",
                "likely cause");
        assertMessage(() -> mse.compute(F64, out, new Targets.Classes(new int[6]), null),
                "mse targets: expected real values (Targets.Values), found Classes[6 ids]", "likely cause");
        assertMessage(() -> ce.compute(F64, out, new Targets.Classes(new int[3]), null),
                "cross_entropy targets: expected one class id per output row (N = 6 for [T, B, F] = [2, 3, 4]",
                "found 3 ids", "one id per sequence for an output per step");
        assertMessage(() -> ce.compute(F64, Activations.perSequence(new double[12], 3, 4),
                new Targets.Classes(new int[6]), null), "found 6 ids", "one id per step for an output per sequence");
        assertMessage(() -> mse.compute(F64, out, new Targets.Values(new double[18], 3), null),
                "mse targets: expected width 4", "found width 3", "likely cause");
        assertMessage(() -> new L1Loss(Reduction.SUM).compute(F64, out, new Targets.Values(new double[12], 4), null),
                "l1 targets: expected one row per output row (N = 6", "found 3 rows",
                "one row per sequence for an output per step");
        assertMessage(() -> ce.compute(F64, out, new Targets.Classes(new int[6]), new double[23]),
                "cross_entropy gradient: expected an array of the output's size (24 values for [T, B, F] = [2, 3, 4]",
                "found 23", "likely cause");
        assertMessage(() -> new HuberLoss(1, Reduction.MEAN).compute(F64, out, new Targets.Values(new double[24], 4),
                new double[25]), "huber gradient", "found 25");
    }

    @Test
    void classIdsAreChecked() {
        Activations<double[]> out = steps();
        CrossEntropy ce = CrossEntropy.builder().build();
        assertMessage(() -> ce.compute(F64, out, new Targets.Classes(new int[] {0, 1, 2, 3, 0, 4}), null),
                "cross_entropy target id 4 at row 5", "expected a class in 0..3 (C = 4) or the ignore index -100",
                "likely cause");
        assertMessage(() -> ce.compute(F64, out, new Targets.Classes(new int[] {0, -1, 2, 3, 0, 1}), null),
                "target id -1 at row 1");
        // another ignore index: -100 is then an id like any other
        assertMessage(() -> CrossEntropy.builder().ignoreIndex(0).build().compute(F64, out,
                new Targets.Classes(new int[] {-100, 1, 2, 3, 0, 1}), null), "target id -100 at row 0",
                "or the ignore index 0");
        // the padding row (4) and ignored rows are not read: any id passes there
        LossValue v = ce.compute(F64, out, new Targets.Classes(new int[] {0, -100, 2, 3, 99, 1}), null);
        assertEquals(4, v.weight());
        assertMessage(() -> CrossEntropy.builder().classWeights(new double[] {1, 1, 1}).build().compute(F64, out,
                new Targets.Classes(new int[6]), null), "cross_entropy class_weights: expected one weight per class "
                + "(C = 4, the output's width), found 3", "likely cause");
    }

    @Test
    void binaryTargetsAreProbabilities() {
        Activations<double[]> out = steps();
        BinaryCrossEntropy bce = BinaryCrossEntropy.builder().build();
        double[] y = new double[24];
        y[9] = 1.5;
        assertMessage(() -> bce.compute(F64, out, new Targets.Values(y, 4), null),
                "binary_cross_entropy_with_logits target [row 2, column 1] = 1.5", "expected a probability in [0, 1]",
                "likely cause");
        y[9] = Double.NaN;
        assertMessage(() -> bce.compute(F64, out, new Targets.Values(y, 4), null), "= NaN");
        y[9] = -0.25;
        assertMessage(() -> bce.compute(F64, out, new Targets.Values(y, 4), null), "= -0.25");
        // padding row 4 is not read
        y[9] = 0;
        y[17] = 5;
        assertEquals(20, bce.compute(F64, out, new Targets.Values(y, 4), null).weight());
        assertMessage(() -> new BinaryCrossEntropy(new double[] {1, 2}, Reduction.MEAN).compute(F64, out,
                new Targets.Values(new double[24], 4), null), "binary_cross_entropy_with_logits pos_weight: "
                + "expected one weight per class (C = 4, the output's width), found 2");
    }
}
