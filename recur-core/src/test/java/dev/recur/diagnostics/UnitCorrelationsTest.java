package dev.recur.diagnostics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.diagnostics.UnitActivations.Signal;
import dev.recur.diagnostics.UnitActivations.Trace;
import dev.recur.diagnostics.UnitCorrelations.UnitCorrelation;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Text features and unit correlations on texts and traces small enough to work out by hand. */
class UnitCorrelationsTest {

    private static int[] cp(String s) {
        return s.codePoints().toArray();
    }

    @Test
    void textFeaturesByHand() {
        assertArrayEquals(new double[] {0, 1, 1, 1, 0, 1, 1, 1, 0},
                TextFeatures.INSIDE_QUOTES.of(cp("a\"b\"c“d”e")));
        // an unclosed quotation ends at a blank line
        assertArrayEquals(new double[] {1, 1, 1, 1, 0}, TextFeatures.INSIDE_QUOTES.of(cp("\"a\n\nb")));
        assertArrayEquals(new double[] {1, 1, 1, 1, 1, 1, 0}, TextFeatures.INSIDE_QUOTES.of(cp("\"a\r\n\r\nb")));
        assertArrayEquals(new double[] {0, 1, 1, 1, 1, 1, 1, 0}, TextFeatures.INSIDE_BRACKETS.of(cp("a(b[c])d")));
        assertArrayEquals(new double[] {0, 1, 2, 0, 1}, TextFeatures.POSITION_IN_LINE.of(cp("ab\ncd")));
        assertArrayEquals(new double[] {0, 1, -1, 0, -1, 0, 1}, TextFeatures.POSITION_IN_WORD.of(cp("ab c,好的")));
        assertTrue(TextFeatures.varies(new double[] {0, 0, 1}));
        assertFalse(TextFeatures.varies(new double[] {2, 2, 2}));
    }

    @Test
    void pearsonByHand() {
        double[] x = {1, 2, 3, 4};
        assertEquals(1.0, UnitCorrelations.pearson(x, new float[] {9, 2, 4, 6, 8}, 1), 1e-12);
        assertEquals(-1.0, UnitCorrelations.pearson(x, new float[] {4, 3, 2, 1}, 0), 1e-12);
        // x = 1..4, y = 1, 3, 2, 4: Σdxdy = 4, Σdx² = Σdy² = 5, r = 0.8
        assertEquals(0.8, UnitCorrelations.pearson(x, new float[] {1, 3, 2, 4}, 0), 1e-12);
        assertEquals(0.0, UnitCorrelations.pearson(x, new float[] {5, 5, 5, 5}, 0));
        assertEquals(0.0, UnitCorrelations.pearson(x, new float[] {1, Float.NaN, 2, 3}, 0));
    }

    @Test
    void strongestRanksByMagnitudeAcrossLayersAndSignals() {
        int nt = 4;
        // two units per trace, values [H, T]
        Trace a = Trace.of(0, Signal.HIDDEN, new float[] {1, 3, 2, 4, /* unit 1 */ 0, 0, 0, 1});
        Trace b = Trace.of(1, Signal.CELL, new float[] {4, 3, 2, 1, /* unit 1 */ 1, 1, 1, 1});
        UnitActivations acts = new UnitActivations(nt, 2, 2, List.of(a, b));
        List<UnitCorrelation> top = UnitCorrelations.strongest(acts, new double[] {1, 2, 3, 4}, 3);
        assertEquals(3, top.size());
        assertEquals(new UnitCorrelation(1, Signal.CELL, 0, -1.0), top.get(0));
        assertEquals(0, top.get(1).layer());
        assertEquals(0, top.get(1).unit());
        assertEquals(0.8, top.get(1).correlation(), 1e-12);
        assertEquals(1, top.get(2).unit());
    }
}
