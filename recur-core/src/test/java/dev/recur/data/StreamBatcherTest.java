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

class StreamBatcherTest {

    private static int[] range(int n) {
        return IntStream.range(0, n).toArray();
    }

    /** [T][B] nested rows, as the reference's x.tolist(), flattened time-major. */
    private static int[] tb(int[]... rows) {
        return java.util.Arrays.stream(rows).flatMapToInt(IntStream::of).toArray();
    }

    @Test
    void aTextTooShortForOneChunkSaysHowManyCharactersItNeeds() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StreamBatcher.of(new int[10], 1, 10));
        assertEquals("training text: expected at least 11 characters for 1 stream of 10-step chunks (batch * seq + 1:"
                + " each stream needs seq inputs, and the last target follows them), found 10; likely cause: the corpus"
                + " is too short for this batch size and sequence length", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> StreamBatcher.of(new int[10], 2, 5));
        assertTrue(e.getMessage().startsWith("training text: expected at least 11 characters for 2 streams of 5-step"),
                e.getMessage());
    }

    @Test
    void handComputedExample() {
        // 23 tokens 0..22, B = 3, seq = 2. L = (23 - 1) / 3 = 7; the streams hold tokens 0..21
        // (L*B + 1 = 22), token 22 is dropped. Stream 0: inputs 0..6, targets 1..7; stream 1: inputs
        // 7..13, targets 8..14; stream 2: inputs 14..20, targets 15..21. Chunks at pos 0, 2, 4; pos 6
        // would need 6 + 2 < 7, so step 6 of each stream (inputs 6, 13, 20) is never read.
        // Expected values as printed by the reference's slicing (xs[pos:pos+seq].tolist()).
        StreamBatcher s = StreamBatcher.of(range(23), 3, 2);
        assertEquals(7, s.streamLength());
        assertEquals(3, s.chunksPerEpoch());
        assertEquals(22, s.usedTokens());
        assertEquals(23, s.tokenCount());

        Chunk c0 = s.nextChunk();
        assertArrayEquals(tb(new int[] {0, 7, 14}, new int[] {1, 8, 15}), c0.inputs());
        assertArrayEquals(tb(new int[] {1, 8, 15}, new int[] {2, 9, 16}), c0.targets());
        assertTrue(c0.startsEpoch());
        assertEquals(2, c0.steps());
        assertEquals(3, c0.batch());
        assertEquals(6, c0.predictions());
        assertEquals(7, c0.input(0, 1));
        assertEquals(16, c0.target(1, 2));

        Chunk c1 = s.nextChunk();
        assertArrayEquals(tb(new int[] {2, 9, 16}, new int[] {3, 10, 17}), c1.inputs());
        assertArrayEquals(tb(new int[] {3, 10, 17}, new int[] {4, 11, 18}), c1.targets());
        assertFalse(c1.startsEpoch());
        assertEquals(2, c1.offset());

        Chunk c2 = s.nextChunk();
        assertArrayEquals(tb(new int[] {4, 11, 18}, new int[] {5, 12, 19}), c2.inputs());
        assertArrayEquals(tb(new int[] {5, 12, 19}, new int[] {6, 13, 20}), c2.targets());
        assertEquals(new Position(1, 0), s.position());

        Chunk c3 = s.nextChunk(); // wrap-around: epoch 1 restarts at pos 0 with a zero state
        assertArrayEquals(c0.inputs(), c3.inputs());
        assertArrayEquals(c0.targets(), c3.targets());
        assertTrue(c3.startsEpoch());
        assertEquals(1, c3.epoch());
        assertEquals(4, s.step());
    }

    @Test
    void streamLengthEqualToSeqGivesOneChunkPerEpoch() {
        // 7 tokens, B = 3, seq = 2: L = 2 = seq. The reference resets on every step and reads xs[0:2].
        StreamBatcher s = StreamBatcher.of(range(7), 3, 2);
        assertEquals(1, s.chunksPerEpoch());
        for (int i = 0; i < 3; i++) {
            Chunk c = s.nextChunk();
            assertArrayEquals(tb(new int[] {0, 2, 4}, new int[] {1, 3, 5}), c.inputs());
            assertArrayEquals(tb(new int[] {1, 3, 5}, new int[] {2, 4, 6}), c.targets());
            assertTrue(c.startsEpoch());
            assertEquals(i, c.epoch());
        }
    }

    /** A line-by-line transliteration of the reference's batching, as the oracle. */
    private static List<int[][]> reference(int[] train, int batch, int seq, int steps) {
        int l = Math.floorDiv(train.length - 1, batch);
        List<int[][]> out = new ArrayList<>();
        int pos = 0;
        boolean stateIsNone = true;
        for (int step = 0; step < steps; step++) {
            if (pos + seq >= l) {
                pos = 0;
                stateIsNone = true;
            }
            int rows = Math.min(seq, l - pos); // xs[pos:pos + seq]
            int[] x = new int[rows * batch];
            int[] y = new int[rows * batch];
            for (int t = 0; t < rows; t++) {
                for (int b = 0; b < batch; b++) {
                    x[t * batch + b] = train[b * l + pos + t];     // streams[:-1].view(B, L).t()
                    y[t * batch + b] = train[b * l + pos + t + 1]; // streams[1:].view(B, L).t()
                }
            }
            out.add(new int[][] {x, y, {stateIsNone ? 1 : 0}});
            pos += seq;
            stateIsNone = false;
        }
        return out;
    }

    @Test
    void matchesTheReferenceLoopOnManyShapes() {
        Random rnd = new Random(7);
        int checked = 0;
        for (int batch = 1; batch <= 6; batch++) {
            for (int seq = 1; seq <= 7; seq++) {
                long min = StreamBatcher.minimumLength(batch, seq);
                for (int n = (int) min; n < min + 3 * batch * seq + 5; n += 1 + rnd.nextInt(3)) {
                    int[] tokens = rnd.ints(n, 0, 50).toArray();
                    StreamBatcher s = StreamBatcher.of(tokens, batch, seq);
                    int steps = 3 * s.chunksPerEpoch() + 2;
                    List<int[][]> ref = reference(tokens, batch, seq, steps);
                    for (int i = 0; i < steps; i++) {
                        Chunk c = s.nextChunk();
                        String where = "n=" + n + " B=" + batch + " seq=" + seq + " step " + i;
                        assertArrayEquals(ref.get(i)[0], c.inputs(), where);
                        assertArrayEquals(ref.get(i)[1], c.targets(), where);
                        assertEquals(ref.get(i)[2][0] == 1, c.startsEpoch(), where);
                        checked++;
                    }
                }
            }
        }
        assertTrue(checked > 1000);
    }

    @Test
    void targetsAreInputsShiftedByOneWithinEachStream() {
        int[] tokens = new Random(3).ints(1000, 0, 1_000_000).toArray();
        StreamBatcher s = StreamBatcher.of(tokens, 4, 9);
        Chunk prev = null;
        for (int k = 0; k < s.chunksPerEpoch(); k++) {
            Chunk c = s.nextChunk();
            for (int b = 0; b < 4; b++) {
                for (int t = 0; t + 1 < c.steps(); t++) {
                    assertEquals(c.input(t + 1, b), c.target(t, b));
                }
                assertEquals(tokens[b * s.streamLength() + c.offset()], c.input(0, b));
                if (prev != null) { // state carried across chunks: the stream continues
                    assertEquals(prev.target(prev.steps() - 1, b), c.input(0, b));
                }
            }
            prev = c;
        }
    }

    @Test
    void positionSaveAndRestoreGivesIdenticalChunks() {
        int[] tokens = new Random(11).ints(500, 0, 30).toArray();
        StreamBatcher a = StreamBatcher.of(tokens, 4, 5); // L = 124, 24 chunks per epoch
        assertEquals(24, a.chunksPerEpoch());
        for (int i = 0; i < 22; i++) {
            a.nextChunk();
        }
        Position saved = a.position();
        long savedStep = a.step();
        assertEquals(new Position(0, 22), saved);
        List<Chunk> expected = new ArrayList<>();
        for (int i = 0; i < 7; i++) { // crosses the epoch boundary
            expected.add(a.nextChunk());
        }

        StreamBatcher b = StreamBatcher.of(tokens, 4, 5);
        b.seek(new Position(saved.epoch(), saved.index())); // as restored from a checkpoint
        StreamBatcher c = StreamBatcher.of(tokens, 4, 5);
        c.seekToStep(savedStep);
        for (Chunk e : expected) {
            for (StreamBatcher r : new StreamBatcher[] {b, c}) {
                Chunk got = r.nextChunk();
                assertArrayEquals(e.inputs(), got.inputs());
                assertArrayEquals(e.targets(), got.targets());
                assertEquals(e.epoch(), got.epoch());
                assertEquals(e.index(), got.index());
                assertEquals(e.startsEpoch(), got.startsEpoch());
            }
        }
        assertEquals(a.position(), b.position());
        assertEquals(new Position(1, 5), b.position());
        assertArrayEquals(expected.get(3).inputs(), a.chunk(1).inputs());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> b.seek(new Position(0, 24)));
        assertTrue(e.getMessage().contains("[0, 24)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Position(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> b.seekToStep(-1));
    }

    @Test
    void tooShortCorpusSaysHowManyCharactersAreNeeded() {
        // B = 4, seq = 10: one full chunk needs B*seq + 1 = 41 characters.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StreamBatcher.of(range(40), 4, 10));
        assertTrue(e.getMessage().contains("at least 41 characters"), e.getMessage());
        assertTrue(e.getMessage().contains("found 40"), e.getMessage());
        StreamBatcher s = StreamBatcher.of(range(41), 4, 10);
        assertEquals(1, s.chunksPerEpoch());
        assertEquals(40, s.nextChunk().targets()[39]);

        assertThrows(IllegalArgumentException.class, () -> StreamBatcher.of(range(100), 0, 5));
        assertThrows(IllegalArgumentException.class, () -> StreamBatcher.of(range(100), 5, 0));
        assertThrows(IllegalArgumentException.class, () -> StreamBatcher.of(new int[0], 1, 1));
    }

    @Test
    void inputIsCopied() {
        int[] tokens = range(50);
        StreamBatcher s = StreamBatcher.of(tokens, 2, 3);
        tokens[0] = 99;
        assertEquals(0, s.nextChunk().input(0, 0));
    }
}
