package dev.recur.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.nn.Activations;
import dev.recur.nn.Tokens;
import dev.recur.nn.loss.Targets;
import dev.recur.tensor.Precision;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** {@link Example} and {@link Batch}: what they hold, and the one-line refusal of parts that do not fit. */
class ExampleTest {

    private static String message(Supplier<?> s) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, s::get);
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void anExampleIsOneSequenceOfOneLength() {
        Example t = Example.ofTokens(new int[] {3, 1, 4}, 2);
        assertEquals(3, t.length());
        assertEquals(new Example.Label(2), t.target());
        assertEquals(0, t.featureWidth());
        Example f = Example.ofFeatures(new double[][] {{1, 2, 3}, {4, 5, 6}}, new Example.Values(0.5));
        assertEquals(2, f.length());
        assertEquals(3, f.featureWidth());
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, f.features(), "row-major [T, F]");
        Example tagged = Example.tagged(new int[] {1, 2}, new int[] {0, 5});
        assertArrayEquals(new int[] {0, 5}, ((Example.StepLabels) tagged.target()).ids());
        Example both = new Example(new int[] {1, 2}, new double[] {0.1, 0.2, 0.3, 0.4}, 2, null);
        assertEquals(2, both.length());
        assertNull(both.target());
        int[] kept = {7, 8};
        assertSame(kept, Example.ofTokens(kept, 0).tokens(), "arrays are kept, not copied");
    }

    @Test
    void partsThatDoNotDescribeOneSequenceAreRefused() {
        assertEquals("example: expected token ids, numeric features or both, found neither",
                message(() -> new Example(null, null, 0, new Example.Label(0))));
        assertEquals("example: expected at least one step, found an empty sequence",
                message(() -> Example.ofTokens(new int[0], 0)));
        assertEquals("example features: expected [T, F] with T >= 1 and F = 2 >= 1, found 3 values",
                message(() -> new Example(null, new double[] {1, 2, 3}, 2, null)));
        assertEquals("example features: expected [T, F] with T >= 1 and F = 0 >= 1, found 3 values",
                message(() -> new Example(null, new double[] {1, 2, 3}, 0, null)));
        assertEquals("example: expected as many feature rows as tokens (3), found 2",
                message(() -> new Example(new int[] {1, 2, 3}, new double[] {1, 2}, 1, null)));
        assertEquals("example step labels: expected one per step (2), found 3",
                message(() -> Example.tagged(new int[] {1, 2}, new int[] {0, 1, 2})));
        assertEquals("example: a feature width of 3 without features",
                message(() -> new Example(new int[] {1}, null, 3, null)));
        assertEquals("example features: expected at least one step of at least one value",
                message(() -> Example.ofFeatures(new double[0][], null)));
        assertEquals("example features: expected 2 values at every step, found 1 at step 1",
                message(() -> Example.ofFeatures(new double[][] {{1, 2}, {3}}, null)));
        assertEquals("example features: expected 2 values at every step, found none at step 2",
                message(() -> Example.ofFeatures(new double[][] {{1, 2}, {3, 4}, null}, null)));
    }

    @Test
    void targetsAreRefusedWhereTheyCannotBeTrainedTowards() {
        assertEquals("label: expected a class id >= 0, found -1", message(() -> new Example.Label(-1)));
        assertEquals("target values: expected at least one, found none", message(Example.Values::new));
        assertEquals("target value [1] is NaN: expected a finite number",
                message(() -> new Example.Values(1, Double.NaN)));
        assertEquals("target value [0] is Infinity: expected a finite number",
                message(() -> new Example.Values(Double.POSITIVE_INFINITY)));
        assertEquals("step labels: expected one per step, found none", message(Example.StepLabels::new));
        assertEquals("step label [2] = -100: expected a class id >= 0",
                message(() -> new Example.StepLabels(0, 1, -100)));
    }

    @Test
    void aBatchHoldsTimeMajorArraysAndSaysWhatItHolds() {
        int[] tokens = {1, 2, 3, 0};
        Batch b = Batch.ofTokens(tokens, 2, 2, new int[] {2, 1}, new Targets.Classes(new int[] {0, 1}));
        Tokens ids = b.tokenIds();
        assertSame(tokens, ids.ids());
        assertEquals(2, ids.steps());
        assertArrayEquals(new int[] {2, 1}, ids.lengths());
        assertEquals(3, b.validSteps());
        assertNull(b.features(Precision.F64));
        Batch c = b.continuing();
        assertTrue(c.continues());
        assertFalse(b.continues());
        assertSame(tokens, c.tokens());

        double third = 1.0 / 3;
        Batch f = Batch.ofFeatures(new double[] {third, 2, 3, 4}, 2, 1, 2, null, null);
        Activations<float[]> a = f.features(Precision.F32);
        assertArrayEquals(new float[] {(float) third, 2, 3, 4}, a.values(), "rounded to nearest");
        assertEquals(2, a.width());
        assertEquals(2, a.steps());
        assertNull(f.tokenIds());
        assertEquals(2, f.validSteps());
        // per-step targets, one row per step and sequence
        Batch perStep = Batch.ofTokens(new int[] {1, 2, 3, 4, 5, 6}, 3, 2, null, new Targets.Classes(new int[6]));
        assertEquals(6, perStep.targets().rows());
        assertEquals("Batch[T=2, B=2, lengths [2, 1], tokens, continues]", c.toString());
    }

    @Test
    void aBatchWhoseArraysDoNotFitItsShapeIsRefused() {
        Targets two = new Targets.Classes(new int[] {0, 1});
        assertEquals("batch shape: expected T >= 1 and B >= 1, found T = 0, B = 2",
                message(() -> Batch.ofTokens(new int[0], 0, 2, null, null)));
        assertEquals("batch: expected token ids, numeric features or both, found neither",
                message(() -> new Batch(2, 2, null, null, null, 0, two, false)));
        assertEquals("batch tokens: expected [T, B] = [2, 2] = 4 ids, found 3; likely cause: T and B do not describe "
                + "the array", message(() -> Batch.ofTokens(new int[3], 2, 2, null, two)));
        assertEquals("batch features: expected [T, B, F] = [2, 2, 3], found 11 values; likely cause: T, B and F do not "
                + "describe the array", message(() -> Batch.ofFeatures(new double[11], 2, 2, 3, null, two)));
        assertEquals("batch features: expected [T, B, F] = [2, 2, 3], found none; likely cause: T, B and F do not "
                + "describe the array", message(() -> new Batch(2, 2, null, new int[4], null, 3, two, false)));
        assertEquals("lengths: expected one length per sequence (B = 2), found 3 lengths",
                message(() -> Batch.ofTokens(new int[4], 2, 2, new int[] {1, 2, 2}, two)));
        assertEquals("lengths[1] = 0: expected 1..T = 1..2; likely cause: an empty sequence in the batch (drop it "
                + "before batching)", message(() -> Batch.ofTokens(new int[4], 2, 2, new int[] {1, 0}, two)));
        assertEquals("lengths[0] = 3: expected 1..T = 1..2; likely cause: lengths measured on a longer sequence than "
                + "the padded T", message(() -> Batch.ofTokens(new int[4], 2, 2, new int[] {3, 1}, two)));
        assertEquals("batch targets: expected one row per sequence (B = 2) or per step (T*B = 4), found 3; likely "
                + "cause: targets of another batch", message(() -> Batch.ofTokens(new int[4], 2, 2, null,
                new Targets.Classes(new int[3]))));
    }
}
