package dev.recur.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class ValidationStreamsTest {

    @Test
    void handComputedExampleWithShortLastChunk() {
        // val = 100..111 (12 tokens), B = 2, seq = 2: Lv = 11 / 2 = 5, tokens 100..110 used.
        // Reference: for p in range(0, 5, 2) -> p = 0, 2, 4; the last chunk vx[4:6] has one row.
        ValidationStreams v = ValidationStreams.of(IntStream.range(100, 112).toArray(), 2, 2);
        assertEquals(5, v.streamLength());
        assertEquals(3, v.chunkCount());
        assertEquals(10, v.predictionCount());
        assertEquals(11, v.usedTokens());
        List<Chunk> chunks = new ArrayList<>();
        v.forEach(chunks::add);
        assertEquals(3, chunks.size());
        assertArrayEquals(new int[] {100, 105, 101, 106}, chunks.get(0).inputs());
        assertArrayEquals(new int[] {101, 106, 102, 107}, chunks.get(0).targets());
        assertArrayEquals(new int[] {102, 107, 103, 108}, chunks.get(1).inputs());
        assertArrayEquals(new int[] {103, 108, 104, 109}, chunks.get(1).targets());
        assertArrayEquals(new int[] {104, 109}, chunks.get(2).inputs());
        assertArrayEquals(new int[] {105, 110}, chunks.get(2).targets());
        assertEquals(1, chunks.get(2).steps());
        assertTrue(chunks.get(0).startsEpoch());
        assertFalse(chunks.get(1).startsEpoch());
        assertFalse(chunks.get(2).startsEpoch());
    }

    @Test
    void chunkEndingExactlyAtTheStreamEndIsRead() {
        // Lv = 4, seq = 2: unlike training, both chunks (p = 0 and p = 2) are read.
        ValidationStreams v = ValidationStreams.of(IntStream.range(0, 9).toArray(), 2, 2);
        assertEquals(4, v.streamLength());
        assertEquals(2, v.chunkCount());
        assertEquals(2, v.chunk(1).steps());
    }

    @Test
    void everyTargetIsPredictedOnceInStreamOrder() {
        Random rnd = new Random(5);
        for (int trial = 0; trial < 200; trial++) {
            int batch = 1 + rnd.nextInt(6);
            int seq = 1 + rnd.nextInt(9);
            int n = batch + 1 + rnd.nextInt(80);
            int[] tokens = rnd.ints(n, 0, 1000).toArray();
            ValidationStreams v = ValidationStreams.of(tokens, batch, seq);
            int lv = (n - 1) / batch;
            assertEquals(lv, v.streamLength());
            long predicted = 0;
            int[][] seenInputs = new int[batch][lv];
            int[][] seenTargets = new int[batch][lv];
            for (Chunk c : v) {
                assertTrue(c.steps() >= 1 && c.steps() <= seq);
                for (int t = 0; t < c.steps(); t++) {
                    for (int b = 0; b < batch; b++) {
                        seenInputs[b][c.offset() + t] = c.input(t, b);
                        seenTargets[b][c.offset() + t] = c.target(t, b);
                    }
                }
                predicted += c.predictions();
            }
            assertEquals((long) lv * batch, predicted);
            assertEquals(predicted, v.predictionCount());
            for (int b = 0; b < batch; b++) {
                for (int t = 0; t < lv; t++) {
                    assertEquals(tokens[b * lv + t], seenInputs[b][t]);
                    assertEquals(tokens[b * lv + t + 1], seenTargets[b][t]);
                }
            }
        }
    }

    @Test
    void tooShortValidationText() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ValidationStreams.of(new int[32], 32, 100));
        assertTrue(e.getMessage().contains("at least 33 characters"), e.getMessage());
        assertTrue(e.getMessage().contains("found 32"), e.getMessage());
        ValidationStreams v = ValidationStreams.of(new int[33], 32, 100);
        assertEquals(1, v.chunkCount());
        assertEquals(1, v.chunk(0).steps());
        assertThrows(IllegalArgumentException.class, () -> v.chunk(1));
    }
}
