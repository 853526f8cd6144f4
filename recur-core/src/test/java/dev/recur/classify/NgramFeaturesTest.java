package dev.recur.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Bag-of-n-grams features, hand-derived on "the cat saw the cat". */
class NgramFeaturesTest {

    /**
     * Reading order: the, the·cat, cat, cat·saw, saw, saw·the, (the, the·cat, cat again); counts
     * the 2, the·cat 2, cat 2, cat·saw 1, saw 1, saw·the 1.
     */
    private static final List<String> SENTENCE = List.of("the", "cat", "saw", "the", "cat");

    @Test
    void featuresGoByDescendingCountThenFirstAppearance() {
        NgramFeatures f = NgramFeatures.fit(List.of(SENTENCE), 2, 1, 100);
        assertEquals(List.of(List.of("the"), List.of("the", "cat"), List.of("cat"), List.of("cat", "saw"),
                List.of("saw"), List.of("saw", "the")), f.ngrams());
        assertEquals(6, f.size());
        double l3 = Math.log(3);
        double l2 = Math.log(2);
        assertArrayEquals(new double[] {l3, l3, l3, l2, l2, l2}, f.vector(SENTENCE), 1e-15);
        // cat 2, the other features 0, dog is no feature
        assertArrayEquals(new double[] {0, 0, l3, 0, 0, 0}, f.vector(List.of("cat", "cat", "dog")), 1e-15);
        assertArrayEquals(new double[6], f.vector(List.of()), 0, "an empty sequence: zeros");
    }

    @Test
    void theMinCountAndMaxFeaturesBound() {
        assertEquals(List.of(List.of("the"), List.of("the", "cat"), List.of("cat")),
                NgramFeatures.fit(List.of(SENTENCE), 2, 2, 100).ngrams());
        assertEquals(List.of(List.of("the"), List.of("the", "cat")),
                NgramFeatures.fit(List.of(SENTENCE), 2, 1, 2).ngrams());
        assertEquals(List.of(List.of("the"), List.of("cat"), List.of("saw")),
                NgramFeatures.fit(List.of(SENTENCE), 1, 1, 100).ngrams());
    }

    @Test
    void countsAddUpOverSequences() {
        NgramFeatures f = NgramFeatures.fit(List.of(List.of("x", "y"), List.of("y", "y")), 2, 1, 100);
        // y 3, x 1, x·y 1, y·y 1
        assertEquals(List.of(List.of("y"), List.of("x"), List.of("x", "y"), List.of("y", "y")), f.ngrams());
        assertArrayEquals(new double[] {Math.log(4), 0, 0, Math.log(3)}, f.vector(List.of("y", "y", "y")), 1e-15);
    }

    @Test
    void noTokenCanMakeTwoNgramsCollide() {
        // a token holding a control character is not the bigram it would be joined into
        NgramFeatures f = NgramFeatures.fit(List.of(List.of("a", "b"), List.of("a\u0001b")), 2, 1, 100);
        assertEquals(4, f.size());
        assertArrayEquals(new double[] {0, 0, 0, Math.log(2)}, f.vector(List.of("a\u0001b")), 0);
    }

    @Test
    void theSavedFormRoundTrips() {
        NgramFeatures f = NgramFeatures.fit(List.of(SENTENCE), 2, 1, 100);
        NgramFeatures back = NgramFeatures.of(f.maxN(), f.ngrams());
        assertEquals(f.ngrams(), back.ngrams());
        assertArrayEquals(f.vector(List.of("saw", "the", "cat")), back.vector(List.of("saw", "the", "cat")), 0);
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> NgramFeatures.of(1, f.ngrams())).getMessage().contains("expected 1..1 tokens, found 2"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> NgramFeatures.of(2, List.of(List.of("a"), List.of("a")))).getMessage()
                .contains("expected distinct n-grams"));
    }

    @Test
    void aMinCountThatKeepsNothingIsRefused() {
        String m = assertThrows(IllegalArgumentException.class,
                () -> NgramFeatures.fit(List.of(SENTENCE), 2, 3, 100)).getMessage();
        assertTrue(m.startsWith("n-gram features: expected at least one n-gram seen 3 times, found none"), m);
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> NgramFeatures.fit(List.of(SENTENCE), 0, 1, 100)).getMessage().contains("found 0"));
    }
}
