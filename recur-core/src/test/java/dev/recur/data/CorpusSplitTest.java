package dev.recur.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class CorpusSplitTest {

    private static int[] range(int n) {
        return IntStream.range(0, n).toArray();
    }

    @Test
    void firstNinetyPercentTrains() {
        CorpusSplit s = CorpusSplit.of(range(20));
        assertArrayEquals(range(18), s.train());
        assertArrayEquals(new int[] {18, 19}, s.validation());
        assertEquals(0.9, s.trainFraction());

        s = CorpusSplit.of(range(11)); // int(11 * 0.9) = int(9.9) = 9
        assertEquals(9, s.trainLength());
        assertEquals(2, s.validationLength());
    }

    @Test
    void lengthsAsPythonIntOfFloatProduct() {
        // Values printed by Python: int(n * 0.9).
        assertEquals(1003854, CorpusSplit.trainLength(1115394, 0.9)); // tinyshakespeare
        assertEquals(365748, CorpusSplit.trainLength(406387, 0.9));   // tang-poems
        assertEquals(100386, CorpusSplit.trainLength(111540, 0.9));
        assertEquals(9, CorpusSplit.trainLength(10, 0.9));
        assertEquals(2, CorpusSplit.trainLength(3, 0.9));
        // The product is a double, truncated: int(90 * 0.7) is 62 in Python (62.99999999999999), not 63.
        assertEquals(62, CorpusSplit.trainLength(90, 0.7));
        assertEquals(118, CorpusSplit.trainLength(170, 0.7));
    }

    @Test
    void partsCoverTheCorpusExactly() {
        int[] tokens = range(1234);
        CorpusSplit s = CorpusSplit.of(tokens, 0.75);
        assertEquals(925, s.trainLength());
        assertEquals(1234, s.trainLength() + s.validationLength());
        assertArrayEquals(tokens, IntStream.concat(IntStream.of(s.train()), IntStream.of(s.validation())).toArray());
    }

    @Test
    void badFractionsAndEmptyParts() {
        for (double f : new double[] {0.0, 1.0, -0.1, 1.5, Double.NaN}) {
            assertThrows(IllegalArgumentException.class, () -> CorpusSplit.of(range(100), f), "fraction " + f);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CorpusSplit.of(range(1)));
        assertTrue(e.getMessage().contains("training part would be empty"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CorpusSplit.of(new int[0]));
        assertTrue(e.getMessage().contains("cannot split 0 characters"), e.getMessage());
    }
}
