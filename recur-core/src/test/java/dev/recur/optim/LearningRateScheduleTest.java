package dev.recur.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** {@link LearningRateSchedule}: values at chosen steps. */
class LearningRateScheduleTest {

    @Test
    void constant() {
        LearningRateSchedule s = LearningRateSchedule.constant(0.01);
        assertEquals(0.01, s.at(0));
        assertEquals(0.01, s.at(1_000_000));
    }

    @Test
    void stepDecay() {
        LearningRateSchedule s = LearningRateSchedule.stepDecay(0.1, 10, 0.5);
        assertEquals(0.1, s.at(0));
        assertEquals(0.1, s.at(9));
        assertEquals(0.05, s.at(10));
        assertEquals(0.025, s.at(25));
    }

    @Test
    void cosine() {
        LearningRateSchedule s = LearningRateSchedule.cosine(1.0, 100, 0.1);
        assertEquals(1.0, s.at(0), 1e-15);
        assertEquals(0.1 + 0.9 * (1 + Math.cos(Math.PI / 4)) / 2, s.at(25), 1e-15);
        assertEquals(0.55, s.at(50), 1e-15);
        assertEquals(0.1, s.at(100), 1e-15);
        assertEquals(0.1, s.at(1000), 1e-15);
    }

    @Test
    void warmupThenSomething() {
        LearningRateSchedule w = LearningRateSchedule.linearWarmup(0.01, 4);
        assertEquals(0.0025, w.at(0), 1e-18);
        assertEquals(0.005, w.at(1), 1e-18);
        assertEquals(0.01, w.at(3), 1e-18);
        assertEquals(0.01, w.at(4), 1e-18);
        assertEquals(0.01, w.at(100), 1e-18);

        LearningRateSchedule c = LearningRateSchedule.warmup(10, LearningRateSchedule.cosine(1.0, 100, 0));
        assertEquals(0.1, c.at(0), 1e-15);
        assertEquals(0.5, c.at(4), 1e-15);
        assertEquals(1.0, c.at(9), 1e-15);
        assertEquals(1.0, c.at(10), 1e-15);   // the cosine starts at its own step 0
        assertEquals(0.5, c.at(60), 1e-15);
        assertEquals(0.0, c.at(110), 1e-15);

        LearningRateSchedule d = LearningRateSchedule.warmup(2, LearningRateSchedule.stepDecay(0.2, 3, 0.1));
        assertEquals(0.1, d.at(0), 1e-15);
        assertEquals(0.2, d.at(4), 1e-15);
        assertEquals(0.02, d.at(5), 1e-15);
    }

    @Test
    void invalidArguments() {
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.constant(-1));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.stepDecay(0.1, 0, 0.5));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.stepDecay(0.1, 5, 1.5));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.cosine(0.1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.cosine(0.1, 10, 0.2));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.linearWarmup(0.1, 0));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.constant(0.1).at(-1));
    }
}
