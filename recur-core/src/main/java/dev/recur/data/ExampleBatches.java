package dev.recur.data;

import dev.recur.nn.CounterRandom;
import dev.recur.nn.loss.Targets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Batches of labelled sequences of their own lengths, padded to the longest of each batch: the
 * training stream ({@link TrainingData}) and the fixed batches of validation.
 *
 * <h2>Order</h2>
 * Training visits every example once per epoch. Epoch {@code e}'s order is a permutation drawn
 * from {@code (seed, e)} alone, so any epoch can be reproduced without the ones before it (which
 * is how a resumed run continues exactly). With bucketing, each run of {@code bucket·B} examples
 * of that order is sorted by length before it is cut into batches, and the batches of the epoch
 * are then shuffled: sequences of similar length share a batch and little padding is computed.
 * The last batch of an epoch may be smaller. Without shuffling the examples keep their order.
 *
 * <h2>Padding</h2>
 * Token 0 and features 0 at padding steps; per-step labels {@link Targets#IGNORE_INDEX} there. An
 * embedding meant for these batches should have padding index 0.
 *
 * <p>Not thread-safe (the position is mutable).
 */
public final class ExampleBatches implements TrainingData {

    private final List<Example> examples;
    private final int batchSize;
    private final long seed;
    private final boolean shuffle;
    private final int bucket;
    private final int perEpoch;
    private long step;
    private long epochCached = -1;
    private int[][] epochBatches;

    private ExampleBatches(List<Example> examples, int batchSize, long seed, boolean shuffle, int bucket) {
        this.examples = examples;
        this.batchSize = batchSize;
        this.seed = seed;
        this.shuffle = shuffle;
        this.bucket = bucket;
        this.perEpoch = (examples.size() + batchSize - 1) / batchSize;
    }

    /**
     * Training batches, shuffled every epoch.
     *
     * @param examples  the examples (at least one; all of one kind: the same inputs and target kind)
     * @param batchSize {@code B}, at least 1
     * @param seed      seeds the order of every epoch
     * @param bucket    0 for no bucketing; else sort runs of {@code bucket·B} examples by length
     * @return the stream, at its start
     * @throws IllegalArgumentException for no examples, examples of mixed kinds, or bad sizes
     */
    public static ExampleBatches shuffled(List<Example> examples, int batchSize, long seed, int bucket) {
        return new ExampleBatches(check(examples, batchSize, bucket), batchSize, seed, true, bucket);
    }

    /**
     * Batches in the examples' own order, every epoch the same (validation, prediction).
     *
     * @param examples  the examples
     * @param batchSize {@code B}
     * @return the stream, at its start
     */
    public static ExampleBatches inOrder(List<Example> examples, int batchSize) {
        return new ExampleBatches(check(examples, batchSize, 0), batchSize, 0, false, 0);
    }

    private static List<Example> check(List<Example> examples, int batchSize, int bucket) {
        Objects.requireNonNull(examples, "examples");
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("examples: expected at least one, found none");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size: expected a positive integer, found " + batchSize);
        }
        if (bucket < 0) {
            throw new IllegalArgumentException("bucket: expected 0 (none) or a positive number of batches, found "
                    + bucket);
        }
        List<Example> copy = List.copyOf(examples);
        Example first = copy.get(0);
        for (int i = 1; i < copy.size(); i++) {
            requireLike(first, copy.get(i), i);
        }
        return copy;
    }

    private static void requireLike(Example a, Example b, int index) {
        boolean same = (a.tokens() == null) == (b.tokens() == null) && a.featureWidth() == b.featureWidth()
                && kind(a.target()).equals(kind(b.target()));
        if (same && a.target() instanceof Example.Values va && b.target() instanceof Example.Values vb) {
            same = va.values().length == vb.values().length;
        }
        if (!same) {
            throw new IllegalArgumentException("example " + index + ": expected " + describe(a) + " as example 0, found "
                    + describe(b) + "; likely cause: examples of another data set mixed in");
        }
    }

    private static String kind(Example.Target t) {
        return t == null ? "none" : t.getClass().getSimpleName();
    }

    private static String describe(Example e) {
        return (e.tokens() != null ? "tokens" : "") + (e.tokens() != null && e.features() != null ? " and " : "")
                + (e.features() != null ? e.featureWidth() + " features" : "") + " with target " + kind(e.target())
                + (e.target() instanceof Example.Values v ? " of " + v.values().length : "");
    }

    /**
     * Examples padded into one batch, in their order (e.g. to predict).
     *
     * @param examples the examples, of one kind
     * @return the batch
     */
    public static Batch batch(List<Example> examples) {
        return inOrder(examples, Math.max(1, examples.size())).all().get(0);
    }

    /** All batches of the examples in order, for validation or prediction. */
    public List<Batch> all() {
        List<Batch> out = new ArrayList<>(perEpoch);
        for (int i = 0; i < perEpoch; i++) {
            int from = i * batchSize;
            int[] idx = new int[Math.min(batchSize, examples.size() - from)];
            for (int j = 0; j < idx.length; j++) {
                idx[j] = from + j;
            }
            out.add(assemble(idx));
        }
        return out;
    }

    @Override
    public Batch next() {
        Position at = position();
        step++;
        return assemble(order(at.epoch())[at.index()]);
    }

    @Override
    public long step() {
        return step;
    }

    @Override
    public void seekToStep(long steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("steps: expected >= 0, found " + steps);
        }
        this.step = steps;
    }

    @Override
    public int batchesPerEpoch() {
        return perEpoch;
    }

    /** The number of examples. */
    public int size() {
        return examples.size();
    }

    /** The examples' indices, batch by batch, of epoch {@code epoch}. */
    private int[][] order(long epoch) {
        if (epoch == epochCached) {
            return epochBatches;
        }
        int n = examples.size();
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(CounterRandom.mix(CounterRandom.mix(seed) + epoch));
        if (shuffle) {
            shuffle(perm, rng);
        }
        if (bucket > 0) {
            int run = bucket * batchSize;
            for (int from = 0; from < n; from += run) {
                Integer[] part = new Integer[Math.min(run, n - from)];
                for (int j = 0; j < part.length; j++) {
                    part[j] = perm[from + j];
                }
                Arrays.sort(part, Comparator.comparingInt(i -> examples.get(i).length()));
                for (int j = 0; j < part.length; j++) {
                    perm[from + j] = part[j];
                }
            }
        }
        int[][] batches = new int[perEpoch][];
        for (int i = 0; i < perEpoch; i++) {
            batches[i] = Arrays.copyOfRange(perm, i * batchSize, Math.min(n, (i + 1) * batchSize));
        }
        if (bucket > 0 && shuffle) {
            for (int i = perEpoch - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int[] t = batches[i];
                batches[i] = batches[j];
                batches[j] = t;
            }
        }
        epochCached = epoch;
        epochBatches = batches;
        return batches;
    }

    private static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** Pads the examples at {@code indices} into one batch. */
    Batch assemble(int[] indices) {
        int nb = indices.length;
        int[] lengths = new int[nb];
        int nt = 0;
        for (int b = 0; b < nb; b++) {
            lengths[b] = examples.get(indices[b]).length();
            nt = Math.max(nt, lengths[b]);
        }
        Example first = examples.get(indices[0]);
        int nf = first.featureWidth();
        int[] tokens = first.tokens() == null ? null : new int[nt * nb];
        double[] features = first.features() == null ? null : new double[nt * nb * nf];
        for (int b = 0; b < nb; b++) {
            Example e = examples.get(indices[b]);
            for (int t = 0; t < lengths[b]; t++) {
                if (tokens != null) {
                    tokens[t * nb + b] = e.tokens()[t];
                }
                if (features != null) {
                    System.arraycopy(e.features(), t * nf, features, (t * nb + b) * nf, nf);
                }
            }
        }
        boolean full = true;
        for (int len : lengths) {
            full &= len == nt;
        }
        return new Batch(nt, nb, full ? null : lengths, tokens, features, nf, targets(indices, nt, lengths), false);
    }

    private Targets targets(int[] indices, int nt, int[] lengths) {
        int nb = indices.length;
        Example.Target first = examples.get(indices[0]).target();
        if (first == null) {
            return null;
        }
        if (first instanceof Example.Label) {
            int[] ids = new int[nb];
            for (int b = 0; b < nb; b++) {
                ids[b] = ((Example.Label) examples.get(indices[b]).target()).id();
            }
            return new Targets.Classes(ids);
        }
        if (first instanceof Example.Values v) {
            int width = v.values().length;
            double[] values = new double[nb * width];
            for (int b = 0; b < nb; b++) {
                System.arraycopy(((Example.Values) examples.get(indices[b]).target()).values(), 0, values, b * width,
                        width);
            }
            return new Targets.Values(values, width);
        }
        int[] ids = new int[nt * nb];
        Arrays.fill(ids, Targets.IGNORE_INDEX);
        for (int b = 0; b < nb; b++) {
            int[] tags = ((Example.StepLabels) examples.get(indices[b]).target()).ids();
            for (int t = 0; t < lengths[b]; t++) {
                ids[t * nb + b] = tags[t];
            }
        }
        return new Targets.Classes(ids);
    }

    /**
     * Splits examples into a training and a validation part by a seeded shuffle.
     *
     * @param examples           the examples, at least 2
     * @param validationFraction the share that validates, in {@code (0, 1)}; at least one example each
     * @param seed               seeds the shuffle
     * @return the two parts
     */
    public static Split split(List<Example> examples, double validationFraction, long seed) {
        Objects.requireNonNull(examples, "examples");
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validation fraction: expected a number strictly between 0 and 1, found "
                    + validationFraction);
        }
        int n = examples.size();
        int nv = (int) Math.round(n * validationFraction);
        if (nv < 1 || nv >= n) {
            throw new IllegalArgumentException("examples: expected enough for both parts (at least one each), found "
                    + n + " examples, of which " + nv + " would validate; likely cause: too few examples");
        }
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        shuffle(perm, new SplittableRandom(seed));
        List<Example> validation = new ArrayList<>(nv);
        List<Example> train = new ArrayList<>(n - nv);
        for (int i = 0; i < n; i++) {
            (i < nv ? validation : train).add(examples.get(perm[i]));
        }
        return new Split(List.copyOf(train), List.copyOf(validation));
    }

    /**
     * Examples cut into a training and a validation part.
     *
     * @param train      the examples to train on
     * @param validation the held-out examples
     */
    public record Split(List<Example> train, List<Example> validation) {
    }

    @Override
    public String toString() {
        return "ExampleBatches[" + examples.size() + " examples, B=" + batchSize + (shuffle ? ", shuffled" : "")
                + (bucket > 0 ? ", bucket " + bucket : "") + "]";
    }
}
