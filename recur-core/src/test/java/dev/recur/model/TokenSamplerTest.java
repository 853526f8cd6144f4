package dev.recur.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.tensor.Precision;
import org.junit.jupiter.api.Test;

/** {@link TokenSampler}: temperature, top-k, seeding. */
class TokenSamplerTest {

    private static final double[] LOGITS = {1.0, 3.0, 2.0, 3.0, -1.0};

    @Test
    void temperatureOneIsTheSoftmax() {
        double[] p = new TokenSampler(1, 0, 0).distribution(LOGITS);
        double z = 0;
        for (double l : LOGITS) {
            z += Math.exp(l);
        }
        for (int j = 0; j < LOGITS.length; j++) {
            assertEquals(Math.exp(LOGITS[j]) / z, p[j], 1e-15);
        }
    }

    @Test
    void temperatureSharpensAndZeroIsGreedy() {
        double[] p = new TokenSampler(0.5, 0, 0).distribution(LOGITS);
        double z = 0;
        for (double l : LOGITS) {
            z += Math.exp(2 * l);
        }
        assertEquals(Math.exp(2 * 2.0) / z, p[2], 1e-15);
        // greedy: the first of the tied largest logits
        assertArrayEquals(new double[] {0, 1, 0, 0, 0}, new TokenSampler(0, 0, 0).distribution(LOGITS), 0);
        assertEquals(1, new TokenSampler(0, 0, 0).sample(LOGITS));
    }

    @Test
    void topKKeepsTheKLargest() {
        double[] p = new TokenSampler(1, 2, 0).distribution(LOGITS);
        assertArrayEquals(new double[] {0, 0.5, 0, 0.5, 0}, p, 1e-15);
        double[] p3 = new TokenSampler(1, 3, 0).distribution(LOGITS);
        double z = 2 * Math.exp(3) + Math.exp(2);
        assertArrayEquals(new double[] {0, Math.exp(3) / z, Math.exp(2) / z, Math.exp(3) / z, 0}, p3, 1e-15);
        for (int i = 0; i < 200; i++) {
            int s = new TokenSampler(1, 2, i).sample(LOGITS);
            assertEquals(true, s == 1 || s == 3, "sampled " + s + " outside the top 2");
        }
    }

    @Test
    void drawsAreSeededAndFollowTheDistribution() {
        TokenSampler a = new TokenSampler(1, 0, 42);
        int n = 20000;
        int[] counts = new int[LOGITS.length];
        int[] first = new int[50];
        for (int i = 0; i < n; i++) {
            int s = a.sample(LOGITS);
            counts[s]++;
            if (i < first.length) {
                first[i] = s;
            }
        }
        double[] p = a.distribution(LOGITS);
        for (int j = 0; j < p.length; j++) {
            assertEquals(p[j], counts[j] / (double) n, 0.015);
        }
        TokenSampler b = new TokenSampler(1, 0, 42);
        for (int i = 0; i < first.length; i++) {
            assertEquals(first[i], b.sample(LOGITS));
        }
        TokenSampler c = new TokenSampler(1, 0, 42);
        c.setCounter(10);
        assertEquals(first[10], c.sample(Precision.F32, Precision.F32.fromDoubles(LOGITS), 0, LOGITS.length));
    }

    @Test
    void invalidArguments() {
        IllegalArgumentException t = assertThrows(IllegalArgumentException.class, () -> new TokenSampler(-1, 0, 0));
        assertEquals("temperature: expected a finite number >= 0 (1 = the model's distribution, lower = more "
                + "conservative, 0 = always the most likely character), found -1.0; likely cause: a negative value (the "
                + "lowest is 0)", t.getMessage());
        t = assertThrows(IllegalArgumentException.class, () -> TokenSampler.requireTemperature("--temperature",
                Double.POSITIVE_INFINITY));
        assertTrue(t.getMessage().startsWith("--temperature: expected a finite number >= 0 "), t.getMessage());
        assertTrue(t.getMessage().endsWith(", found Infinity; likely cause: a value that is not a finite number"),
                t.getMessage());
        t = assertThrows(IllegalArgumentException.class, () -> new TokenSampler(1, -1, 0));
        assertEquals("top-k: expected >= 0 (0 = no truncation), found -1; likely cause: a negative value (0 samples "
                + "among all characters)", t.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TokenSampler(1, 0, 0).distribution(new double[0]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TokenSampler(1, 0, 0).distribution(new double[] {0, Double.NaN}));
        assertTrue(e.getMessage().startsWith("logit [1] is NaN: expected a finite number; likely cause: "), e.getMessage());
    }
}
