package dev.recur.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.nn.loss.Targets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * {@link ExampleBatches}: padding, lengths and targets of a batch; the order of an epoch as a
 * function of the seed and the epoch alone; every example once an epoch, with and without
 * bucketing; the seeded split; and the refusal of examples of mixed kinds.
 */
class ExampleBatchesTest {

    /**
     * {@code n} token examples whose first token is their index + 1 (so that a batch says which
     * examples it holds), of lengths 1 to {@code maxLength}, labelled {@code index mod 3}.
     */
    private static List<Example> numbered(int n, int maxLength, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] tokens = new int[1 + rng.nextInt(maxLength)];
            tokens[0] = i + 1;
            for (int t = 1; t < tokens.length; t++) {
                tokens[t] = 1 + rng.nextInt(9);
            }
            out.add(Example.ofTokens(tokens, i % 3));
        }
        return out;
    }

    /** The indices of the examples of a batch of {@link #numbered} examples: the first step's tokens, less 1. */
    private static int[] indices(Batch b) {
        int[] out = new int[b.batch()];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.tokens()[i] - 1;   // step 0 of sequence i
        }
        return out;
    }

    private static String message(Supplier<?> s) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, s::get);
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void tokensArePaddedWithZeroTimeMajorWithTheirLengths() {
        List<Example> examples = List.of(Example.ofTokens(new int[] {5, 6}, 2),
                Example.ofTokens(new int[] {7, 8, 9, 4}, 0), Example.ofTokens(new int[] {3, 2, 1}, 1));
        List<Batch> batches = ExampleBatches.inOrder(examples, 3).all();
        assertEquals(1, batches.size());
        Batch b = batches.get(0);
        assertEquals(4, b.steps());
        assertEquals(3, b.batch());
        assertArrayEquals(new int[] {2, 4, 3}, b.lengths());
        // [T, B]: row t holds step t of each sequence, 0 past its end
        assertArrayEquals(new int[] {
            5, 7, 3,
            6, 8, 2,
            0, 9, 1,
            0, 4, 0}, b.tokens());
        assertNull(b.features());
        assertEquals(0, b.featureWidth());
        assertEquals(new Targets.Classes(new int[] {2, 0, 1}), b.targets());
        assertFalse(b.continues());
        assertEquals(9, b.validSteps());
        assertEquals(List.of(2, 4, 3), List.of(b.length(0), b.length(1), b.length(2)));
    }

    @Test
    void sequencesOfOneLengthHaveNoLengthsArray() {
        Batch b = ExampleBatches.inOrder(List.of(Example.ofTokens(new int[] {1, 2}, 0),
                Example.ofTokens(new int[] {3, 4}, 1)), 2).all().get(0);
        assertNull(b.lengths());
        assertEquals(2, b.length(1));
        assertEquals(4, b.validSteps());
    }

    @Test
    void featuresArePaddedWithZeroAndValueTargetsStackedPerSequence() {
        List<Example> examples = List.of(
                Example.ofFeatures(new double[][] {{1, 2}, {3, 4}, {5, 6}}, new Example.Values(0.5, -1)),
                Example.ofFeatures(new double[][] {{7, 8}}, new Example.Values(2, 3)));
        Batch b = ExampleBatches.inOrder(examples, 2).all().get(0);
        assertEquals(3, b.steps());
        assertEquals(2, b.featureWidth());
        assertNull(b.tokens());
        assertArrayEquals(new int[] {3, 1}, b.lengths());
        // [T, B, F]
        assertArrayEquals(new double[] {
            1, 2, 7, 8,
            3, 4, 0, 0,
            5, 6, 0, 0}, b.features());
        assertEquals(new Targets.Values(new double[] {0.5, -1, 2, 3}, 2), b.targets());
    }

    @Test
    void perStepLabelsArePaddedWithTheIgnoreIndex() {
        List<Example> examples = List.of(Example.tagged(new int[] {4, 5, 6}, new int[] {1, 0, 2}),
                Example.tagged(new int[] {7}, new int[] {3}));
        Batch b = ExampleBatches.inOrder(examples, 2).all().get(0);
        assertArrayEquals(new int[] {4, 7, 5, 0, 6, 0}, b.tokens());
        assertEquals(new Targets.Classes(new int[] {1, 3, 0, -100, 2, -100}), b.targets());
        assertEquals(-100, Targets.IGNORE_INDEX);
    }

    @Test
    void tokensWithFeaturesAndExamplesWithoutTargetsAreBatchedToo() {
        List<Example> examples = List.of(new Example(new int[] {1, 2}, new double[] {0.1, 0.2}, 1, null),
                new Example(new int[] {3}, new double[] {0.3}, 1, null));
        Batch b = ExampleBatches.inOrder(examples, 2).all().get(0);
        assertArrayEquals(new int[] {1, 3, 2, 0}, b.tokens());
        assertArrayEquals(new double[] {0.1, 0.3, 0.2, 0}, b.features());
        assertNull(b.targets());
    }

    @Test
    void inOrderKeepsTheExamplesOrderAndTheLastBatchIsSmaller() {
        List<Example> examples = numbered(10, 5, 1);
        ExampleBatches in = ExampleBatches.inOrder(examples, 4);
        assertEquals(3, in.batchesPerEpoch());
        assertEquals(10, in.size());
        List<Batch> all = in.all();
        assertArrayEquals(new int[] {0, 1, 2, 3}, indices(all.get(0)));
        assertArrayEquals(new int[] {4, 5, 6, 7}, indices(all.get(1)));
        assertArrayEquals(new int[] {8, 9}, indices(all.get(2)));
        // as a stream, every epoch the same
        for (int epoch = 0; epoch < 2; epoch++) {
            for (Batch expected : all) {
                assertArrayEquals(indices(expected), indices(in.next()));
            }
        }
        assertEquals(6, in.step());
    }

    @Test
    void everyExampleIsServedExactlyOnceAnEpoch() {
        for (int bucket : new int[] {0, 1, 2, 5}) {
            List<Example> examples = numbered(23, 12, 2);
            ExampleBatches data = ExampleBatches.shuffled(examples, 4, 7, bucket);
            assertEquals(6, data.batchesPerEpoch());
            List<List<Integer>> epochs = new ArrayList<>();
            for (int epoch = 0; epoch < 3; epoch++) {
                List<Integer> seen = new ArrayList<>();
                int small = 0;
                for (int i = 0; i < 6; i++) {
                    assertEquals(new Position(epoch, i), data.position());
                    Batch b = data.next();
                    small += b.batch() < 4 ? 1 : 0;
                    for (int x : indices(b)) {
                        seen.add(x);
                    }
                    // the targets and lengths are those of the examples in the batch
                    int[] labels = ((Targets.Classes) b.targets()).ids();
                    for (int j = 0; j < b.batch(); j++) {
                        assertEquals(indices(b)[j] % 3, labels[j]);
                        assertEquals(examples.get(indices(b)[j]).length(), b.length(j));
                    }
                }
                assertEquals(1, small, "one smaller batch, of 3 examples");
                assertEquals(23, seen.size());
                assertEquals(23, new HashSet<>(seen).size(), "bucket " + bucket + ", epoch " + epoch + ": " + seen);
                epochs.add(seen);
            }
            assertNotEquals(epochs.get(0), epochs.get(1), "shuffled anew each epoch");
        }
    }

    @Test
    void theOrderOfAnEpochDependsOnlyOnTheSeedAndTheEpoch() {
        List<Example> examples = numbered(17, 8, 3);
        for (int bucket : new int[] {0, 2}) {
            ExampleBatches iterated = ExampleBatches.shuffled(examples, 3, 11, bucket);
            List<int[]> served = new ArrayList<>();
            for (int s = 0; s < 4 * iterated.batchesPerEpoch(); s++) {
                served.add(indices(iterated.next()));
            }
            // any step reached by seeking, forwards or back, serves the batch iterating served there
            ExampleBatches seeking = ExampleBatches.shuffled(examples, 3, 11, bucket);
            int[] order = {13, 2, 23, 0, 6, 5, 18, 12, 1};
            for (int s : order) {
                seeking.seekToStep(s);
                assertEquals(s, seeking.step());
                assertEquals(Position.afterSteps(s, 6), seeking.position());
                assertArrayEquals(served.get(s), indices(seeking.next()), "step " + s + ", bucket " + bucket);
                assertEquals(s + 1, seeking.step());
            }
            // another seed, another order
            ExampleBatches other = ExampleBatches.shuffled(examples, 3, 12, bucket);
            List<int[]> otherEpoch = new ArrayList<>();
            for (int s = 0; s < 6; s++) {
                otherEpoch.add(indices(other.next()));
            }
            assertFalse(Arrays.deepEquals(served.subList(0, 6).toArray(), otherEpoch.toArray()));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExampleBatches.shuffled(examples, 3, 1, 0).seekToStep(-1));
        assertEquals("steps: expected >= 0, found -1", e.getMessage());
    }

    @Test
    void bucketingPutsSimilarLengthsTogether() {
        List<Example> examples = numbered(40, 30, 4);
        // one bucket holding every example: the batches cut the examples sorted by length, so no two
        // batches' ranges of lengths overlap
        ExampleBatches one = ExampleBatches.shuffled(examples, 4, 5, 10);
        List<int[]> ranges = new ArrayList<>();
        for (int i = 0; i < one.batchesPerEpoch(); i++) {
            Batch b = one.next();
            int min = Integer.MAX_VALUE;
            int max = 0;
            for (int j = 0; j < b.batch(); j++) {
                min = Math.min(min, b.length(j));
                max = Math.max(max, b.length(j));
            }
            assertEquals(max, b.steps(), "padded to the longest");
            ranges.add(new int[] {min, max});
        }
        for (int[] x : ranges) {
            for (int[] y : ranges) {
                assertTrue(x == y || x[1] <= y[0] || y[1] <= x[0],
                        "overlapping ranges " + Arrays.toString(x) + " " + Arrays.toString(y));
            }
        }
        // smaller buckets: less padding than without any, over a few epochs
        assertTrue(padding(ExampleBatches.shuffled(examples, 4, 5, 2)) < padding(ExampleBatches.shuffled(examples, 4, 5,
                0)));
    }

    /** The padding steps of three epochs: Σ (T·B − Σ lengths). */
    private static long padding(ExampleBatches data) {
        long pad = 0;
        for (int i = 0; i < 3 * data.batchesPerEpoch(); i++) {
            Batch b = data.next();
            pad += (long) b.steps() * b.batch() - b.validSteps();
        }
        return pad;
    }

    @Test
    void theSplitIsSeededAndDisjoint() {
        List<Example> examples = numbered(20, 4, 5);
        ExampleBatches.Split a = ExampleBatches.split(examples, 0.25, 9);
        ExampleBatches.Split b = ExampleBatches.split(examples, 0.25, 9);
        assertEquals(5, a.validation().size());   // round(20 * 0.25)
        assertEquals(15, a.train().size());
        assertEquals(a.train(), b.train());
        assertEquals(a.validation(), b.validation());
        Set<Example> all = new HashSet<>(a.train());
        all.addAll(a.validation());
        assertEquals(new HashSet<>(examples), all, "every example in one part");
        assertEquals(20, all.size(), "and in only one");
        ExampleBatches.Split c = ExampleBatches.split(examples, 0.25, 10);
        assertNotEquals(new HashSet<>(a.validation()), new HashSet<>(c.validation()), "another seed, another split");
        assertEquals(1, ExampleBatches.split(examples.subList(0, 2), 0.5, 1).validation().size());

        assertEquals("validation fraction: expected a number strictly between 0 and 1, found 1.0",
                message(() -> ExampleBatches.split(examples, 1, 1)));
        assertEquals("validation fraction: expected a number strictly between 0 and 1, found NaN",
                message(() -> ExampleBatches.split(examples, Double.NaN, 1)));
        assertEquals("examples: expected enough for both parts (at least one each), found 3 examples, of which 0 would"
                + " validate; likely cause: too few examples", message(() -> ExampleBatches.split(examples.subList(0, 3),
                0.1, 1)));
    }

    @Test
    void examplesOfMixedKindsAreRefusedNamingTheFirstThatDiffers() {
        Example tokens = Example.ofTokens(new int[] {1, 2}, 0);
        assertEquals("example 2: expected tokens with target Label as example 0, found 2 features with target Label; "
                + "likely cause: examples of another data set mixed in", message(() -> ExampleBatches.shuffled(List.of(
                        tokens, tokens, Example.ofFeatures(new double[][] {{1, 2}}, new Example.Label(0))), 2, 1, 0)));
        Example features2 = Example.ofFeatures(new double[][] {{1, 2}}, new Example.Values(1));
        assertEquals("example 1: expected 2 features with target Values of 1 as example 0, found 3 features with target "
                + "Values of 1; likely cause: examples of another data set mixed in", message(() ->
                ExampleBatches.inOrder(List.of(features2, Example.ofFeatures(new double[][] {{1, 2, 3}},
                        new Example.Values(1))), 2)));
        assertEquals("example 1: expected 2 features with target Values of 1 as example 0, found 2 features with target "
                + "Values of 2; likely cause: examples of another data set mixed in", message(() ->
                ExampleBatches.inOrder(List.of(features2, Example.ofFeatures(new double[][] {{1, 2}},
                        new Example.Values(1, 2))), 2)));
        assertEquals("example 1: expected tokens with target Label as example 0, found tokens with target StepLabels; "
                + "likely cause: examples of another data set mixed in", message(() -> ExampleBatches.inOrder(List.of(
                        tokens, Example.tagged(new int[] {1}, new int[] {0})), 2)));
        assertEquals("example 1: expected tokens with target Label as example 0, found tokens with target none; likely "
                + "cause: examples of another data set mixed in", message(() -> ExampleBatches.inOrder(List.of(tokens,
                new Example(new int[] {1}, null, 0, null)), 2)));
        assertEquals("example 1: expected tokens with target Label as example 0, found tokens and 1 features with "
                + "target Label; likely cause: examples of another data set mixed in", message(() ->
                ExampleBatches.inOrder(List.of(tokens, new Example(new int[] {1}, new double[] {0}, 1,
                        new Example.Label(1))), 2)));

        assertEquals("examples: expected at least one, found none", message(() -> ExampleBatches.inOrder(List.of(), 2)));
        assertEquals("batch size: expected a positive integer, found 0",
                message(() -> ExampleBatches.inOrder(List.of(tokens), 0)));
        assertEquals("bucket: expected 0 (none) or a positive number of batches, found -1",
                message(() -> ExampleBatches.shuffled(List.of(tokens), 2, 1, -1)));
    }
}
