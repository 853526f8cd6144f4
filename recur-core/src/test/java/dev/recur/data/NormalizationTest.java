package dev.recur.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Normalization}: statistics derived by hand, standardised examples, and refusals. */
class NormalizationTest {

    /** Two examples, 3 steps in all, of features (a, b, c) with c constant. */
    private static final List<Example> TRAIN = List.of(
            Example.ofFeatures(new double[][] {{1, 10, 5}, {3, 30, 5}}, new Example.Label(0)),
            Example.ofFeatures(new double[][] {{5, 20, 5}}, new Example.Label(1)));

    @Test
    void fitGivesEachFeaturesMeanAndPopulationDeviationOverEveryStep() {
        Normalization n = Normalization.fit(TRAIN);
        // a: mean (1+3+5)/3 = 3, variance (4+0+4)/3; b: mean 20, variance (100+100+0)/3; c: constant
        assertArrayEquals(new double[] {3, 20, 5}, n.mean(), 0);
        assertArrayEquals(new double[] {Math.sqrt(8.0 / 3), Math.sqrt(200.0 / 3), 1}, n.std(), 1e-15);
    }

    @Test
    void applyStandardisesNewExamplesAndKeepsTokensAndTargets() {
        Normalization n = Normalization.fit(TRAIN);
        List<Example> out = n.apply(TRAIN);
        double sa = Math.sqrt(8.0 / 3);
        double sb = Math.sqrt(200.0 / 3);
        assertArrayEquals(new double[] {-2 / sa, -10 / sb, 0, 0, 10 / sb, 0}, out.get(0).features(), 1e-15);
        assertArrayEquals(new double[] {2 / sa, 0, 0}, out.get(1).features(), 1e-15);
        assertEquals(new Example.Label(1), out.get(1).target());
        assertArrayEquals(new double[] {1, 10, 5, 3, 30, 5}, TRAIN.get(0).features(), 0, "the input is not modified");
        assertSame(TRAIN.get(0).target(), out.get(0).target());
    }

    @Test
    void examplesOfAnotherWidthOrWithoutFeaturesAreRefused() {
        Normalization n = Normalization.fit(TRAIN);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> n.apply(List.of(Example.ofFeatures(new double[][] {{1, 2}}, null))));
        assertEquals("normalization: expected 3 numeric features per step in every example, found 2 in example 0; "
                + "likely cause: examples of another data set, or of tokens only", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Normalization.fit(List.of(TRAIN.get(0), Example.ofTokens(new int[] {1, 2}, 0))));
        assertEquals("normalization: expected 3 numeric features per step in every example, found none in example 1; "
                + "likely cause: examples of another data set, or of tokens only", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Normalization.fit(List.of()));
        assertEquals("normalization: expected training examples to fit it on, found none", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Normalization.fit(List.of(
                Example.ofFeatures(new double[][] {{1, 2}, {Double.NaN, 4}}, null))));
        assertEquals("normalization: example 0 step 1 feature 0 is NaN: expected a finite number; likely cause: a "
                + "missing value in the data", e.getMessage());
    }
}
