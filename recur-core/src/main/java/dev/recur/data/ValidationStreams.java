package dev.recur.data;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * Validation batches: the validation text cut into {@code B} streams the same way as the training
 * text, read once from start to end in chunks of {@code seq} steps, the last chunk possibly shorter.
 *
 * <p>The reference ({@code charlm_torch.py}, {@code evaluate()}) does
 * <pre>{@code
 * Lv = (len(val) - 1) // a.batch
 * vx = val[:-1][: Lv * a.batch].view(a.batch, Lv).t()
 * vy = val[1:][: Lv * a.batch].view(a.batch, Lv).t()
 * st, tot, cnt = None, 0.0, 0
 * for p in range(0, Lv, a.seq):
 *     lo, st = m(vx[p:p + a.seq], st)
 *     tot += F.cross_entropy(lo.reshape(-1, V), vy[p:p + a.seq].reshape(-1), reduction="sum").item()
 *     cnt += vy[p:p + a.seq].numel()
 * return tot / cnt
 * }</pre>
 * so, with {@code Lv = (N - 1) / B}: stream {@code b} has the inputs {@code val[b*Lv .. b*Lv + Lv - 1]}
 * and the targets shifted by one (the same layout as training, see {@link StreamBatcher});
 * chunk {@code k} covers steps {@code [k*seq, min(k*seq + seq, Lv))}, so there are
 * {@code ceil(Lv / seq)} chunks, every step of every stream is predicted exactly once (unlike
 * training, a chunk ending exactly at {@code Lv} is read, and the last chunk may be short), the state
 * starts from zero at chunk 0 and is carried through all chunks, and the loss is the sum of the
 * cross-entropies over all {@link #predictionCount()} {@code = Lv*B} targets divided by that count
 * (not the mean of per-chunk means). The last {@code N - 1 - Lv*B} tokens are dropped.
 *
 * <p>The least validation text is {@code B + 1} tokens ({@code Lv = 1}); a shorter one is rejected
 * (the reference would divide by zero). Immutable and thread-safe; each {@link #iterator()} starts
 * from the first chunk.
 */
public final class ValidationStreams implements Iterable<Chunk> {

    private final int[] data;
    private final int tokenCount;
    private final int batch;
    private final int seq;
    private final int streamLength;

    private ValidationStreams(int[] data, int tokenCount, int batch, int seq, int streamLength) {
        this.data = data;
        this.tokenCount = tokenCount;
        this.batch = batch;
        this.seq = seq;
        this.streamLength = streamLength;
    }

    /**
     * Cuts validation tokens into {@code batch} streams read in chunks of at most {@code seq} steps.
     *
     * @param tokens the validation tokens (copied; at least {@code batch + 1})
     * @param batch B, the number of streams, at least 1
     * @param seq the chunk length in time steps, at least 1
     * @return the validation streams
     * @throws IllegalArgumentException if {@code batch} or {@code seq} is below 1, or there are fewer
     *     than {@code batch + 1} tokens; the message says how many are needed and how many were found
     */
    public static ValidationStreams of(int[] tokens, int batch, int seq) {
        Objects.requireNonNull(tokens, "tokens");
        StreamBatcher.requirePositive("batch", batch);
        StreamBatcher.requirePositive("seq", seq);
        long needed = (long) batch + 1;
        if (tokens.length < needed) {
            throw new IllegalArgumentException("validation text: expected at least " + needed + " characters for "
                    + batch + (batch == 1 ? " stream" : " streams") + " (batch + 1: one input per stream, and the target after the last), found "
                    + tokens.length + "; likely cause: the corpus is too short, or the validation fraction too"
                    + " small, for this batch size");
        }
        int n = tokens.length;
        int l = (n - 1) / batch;
        return new ValidationStreams(Arrays.copyOf(tokens, l * batch + 1), n, batch, seq, l);
    }

    /**
     * Returns the number of chunks: {@code ceil(Lv / seq)}.
     *
     * @return the chunk count, at least 1
     */
    public int chunkCount() {
        return (int) (((long) streamLength + seq - 1) / seq);
    }

    /**
     * Returns chunk {@code index}: steps {@code [index*seq, min(index*seq + seq, Lv))}.
     *
     * @param index the chunk index, in {@code [0, chunkCount())}
     * @return the chunk (epoch 0; {@link Chunk#startsEpoch()} only for index 0)
     * @throws IllegalArgumentException if the index is out of range
     */
    public Chunk chunk(int index) {
        if (index < 0 || index >= chunkCount()) {
            throw new IllegalArgumentException("validation chunk index: expected [0, " + chunkCount() + "), found "
                    + index);
        }
        int p = index * seq;
        return Chunk.cut(data, streamLength, batch, p, Math.min(seq, streamLength - p), 0, index);
    }

    /**
     * Iterates over all chunks in order, from chunk 0.
     *
     * @return a fresh iterator
     */
    @Override
    public Iterator<Chunk> iterator() {
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < chunkCount();
            }

            @Override
            public Chunk next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return chunk(next++);
            }
        };
    }

    /**
     * The chunks as batches, in order: what a trainer validates on.
     *
     * @return a view that cuts each batch when it is reached
     */
    public Iterable<Batch> batches() {
        return () -> new Iterator<>() {
            private final Iterator<Chunk> chunks = iterator();

            @Override
            public boolean hasNext() {
                return chunks.hasNext();
            }

            @Override
            public Batch next() {
                return chunks.next().toBatch();
            }
        };
    }

    /**
     * Returns the number of predicted characters over the whole pass, {@code Lv*B}: the divisor of
     * the mean cross-entropy (the reference's {@code cnt}).
     *
     * @return the prediction count
     */
    public long predictionCount() {
        return (long) streamLength * batch;
    }

    /**
     * Returns B, the number of parallel streams.
     *
     * @return the batch size
     */
    public int batch() {
        return batch;
    }

    /**
     * Returns the maximal chunk length in time steps.
     *
     * @return seq
     */
    public int seq() {
        return seq;
    }

    /**
     * Returns Lv, the number of inputs per stream: {@code (N - 1) / B}.
     *
     * @return the stream length
     */
    public int streamLength() {
        return streamLength;
    }

    /**
     * Returns N, the number of tokens given.
     *
     * @return the validation length
     */
    public int tokenCount() {
        return tokenCount;
    }

    /**
     * Returns the number of tokens the streams hold, {@code Lv*B + 1}; the rest is dropped.
     *
     * @return the used tokens
     */
    public int usedTokens() {
        return data.length;
    }

    @Override
    public String toString() {
        return "ValidationStreams[" + tokenCount + " characters, B=" + batch + ", seq=" + seq + ", Lv=" + streamLength
                + ", " + chunkCount() + " chunks]";
    }
}
