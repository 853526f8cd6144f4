package dev.recur.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * Training batches for truncated BPTT over {@code B} parallel streams: the training text is cut
 * into {@code B} equal streams, read in chunks of {@code seq} time steps, epoch after epoch.
 *
 * <h2>Exactly the reference's arithmetic</h2>
 * The reference ({@code charlm_torch.py}) does
 * <pre>{@code
 * L = (len(train) - 1) // a.batch
 * streams = train[: L * a.batch + 1]
 * xs = streams[:-1].view(a.batch, L).t()
 * ys = streams[1:].view(a.batch, L).t()
 * ...
 * while True:
 *     if pos + a.seq >= L:
 *         pos, st = 0, None
 *     x, y = xs[pos:pos + a.seq], ys[pos:pos + a.seq]
 *     pos += a.seq
 * }</pre>
 * which this class reproduces:
 * <ul>
 *   <li><b>Streams.</b> With {@code N} training tokens, {@code L = (N - 1) / B} (the stream length
 *       in inputs). Only the first {@code L*B + 1} tokens are used; the last
 *       {@code N - 1 - L*B} (at most {@code B - 1}) are dropped. Stream {@code b} has the inputs
 *       {@code data[b*L .. b*L + L - 1]} and the targets {@code data[b*L + 1 .. b*L + L]}: targets
 *       are the inputs shifted by one within the stream, and the last target of stream {@code b} is
 *       the first input of stream {@code b + 1} (that is why one extra token is kept).</li>
 *   <li><b>Chunks.</b> Chunk {@code k} of an epoch covers time steps {@code [k*seq, k*seq + seq)}
 *       of every stream, always a full {@code seq} steps. A chunk is read only if
 *       {@code k*seq + seq < L} (strictly: the reference's test is {@code pos + seq >= L}), except
 *       chunk 0, which the reset branch reads unconditionally. So an epoch has
 *       {@code max(1, (L - 1) / seq)} chunks ({@link #chunksPerEpoch()}); the remaining
 *       {@code L - chunksPerEpoch*seq} steps of each stream (at least one step, a whole chunk when
 *       {@code seq} divides {@code L}) are never read in training, and there is no partial
 *       chunk.</li>
 *   <li><b>State.</b> The state starts from zero at the first chunk of every epoch
 *       ({@code st = None} at the start and on the wrap-around), and is carried (detached) from
 *       chunk to chunk within an epoch: {@link Chunk#startsEpoch()}.</li>
 *   <li><b>Epochs.</b> After the last chunk, the next call wraps to chunk 0 of the next epoch, in
 *       the same order (the reference does not shuffle). Step {@code s} (counting from 0) therefore
 *       reads chunk {@code s mod chunksPerEpoch} of epoch {@code s / chunksPerEpoch}.</li>
 * </ul>
 * The least training text that gives one full chunk is {@code B*seq + 1} tokens ({@code L = seq});
 * a shorter text is rejected (the reference would silently train on a short chunk of {@code L}
 * steps, or fail). Validation is {@link ValidationStreams}.
 *
 * <h2>Resuming</h2>
 * {@link #position()} is the position of the chunk the next {@link #next()} returns, a
 * {@link Position} of two numbers that a checkpoint can store; {@link #seek(Position)} on a batcher
 * built from the same tokens, {@code B} and {@code seq} continues with identical chunks. Equivalently
 * {@link #step()} / {@link #seekToStep(long)} count the chunks served since the start.
 *
 * <p>Not thread-safe: the position is mutable state.
 */
public final class StreamBatcher implements TrainingData {

    /** The kind of this data source in a checkpoint's training section ({@code training.data.kind}). */
    public static final String KIND = "text_streams";

    private final int[] data;
    private final int tokenCount;
    private final int batch;
    private final int seq;
    private final int streamLength;
    private final int chunksPerEpoch;
    private long epoch;
    private int chunk;

    private StreamBatcher(int[] data, int tokenCount, int batch, int seq, int streamLength, int chunksPerEpoch) {
        this.data = data;
        this.tokenCount = tokenCount;
        this.batch = batch;
        this.seq = seq;
        this.streamLength = streamLength;
        this.chunksPerEpoch = chunksPerEpoch;
    }

    /**
     * Cuts training tokens into {@code batch} streams read in chunks of {@code seq} steps,
     * starting at {@link Position#START}.
     *
     * @param tokens the training tokens (copied; at least {@link #minimumLength(int, int)})
     * @param batch B, the number of streams, at least 1
     * @param seq the chunk length in time steps, at least 1
     * @return the batcher
     * @throws IllegalArgumentException if {@code batch} or {@code seq} is below 1, or there are too
     *     few tokens for one full chunk; the message says how many are needed and how many were found
     */
    public static StreamBatcher of(int[] tokens, int batch, int seq) {
        Objects.requireNonNull(tokens, "tokens");
        requirePositive("batch", batch);
        requirePositive("seq", seq);
        long needed = (long) batch * seq + 1;
        if (tokens.length < needed) {
            throw new IllegalArgumentException("training text: expected at least " + needed + " characters for "
                    + batch + (batch == 1 ? " stream of " : " streams of ") + seq + "-step chunks (batch * seq + 1:"
                    + " each stream needs seq inputs, and the last target follows them), found " + tokens.length
                    + "; likely cause: the corpus is too short for this batch size and sequence length");
        }
        int n = tokens.length;
        int l = (n - 1) / batch;
        int used = l * batch + 1;
        int cpe = Math.max(1, (l - 1) / seq);
        return new StreamBatcher(Arrays.copyOf(tokens, used), n, batch, seq, l, cpe);
    }

    /**
     * The least number of training tokens that gives one full chunk: {@code batch * seq + 1}.
     *
     * @param batch B, at least 1
     * @param seq the chunk length, at least 1
     * @return the minimum
     */
    public static long minimumLength(int batch, int seq) {
        requirePositive("batch", batch);
        requirePositive("seq", seq);
        return (long) batch * seq + 1;
    }

    static void requirePositive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + ": expected a positive integer, found " + value);
        }
    }

    /**
     * Returns the next chunk as a batch and advances: inputs and next-character targets
     * {@code [T, B]}, continuing the previous chunk's streams except at the start of an epoch.
     *
     * @return a fresh batch of {@code seq} steps and {@code batch} streams
     */
    @Override
    public Batch next() {
        return nextChunk().toBatch();
    }

    /**
     * Returns the next chunk and advances, wrapping to the next epoch after the last chunk.
     *
     * @return a fresh chunk of {@code seq} steps and {@code batch} streams
     */
    public Chunk nextChunk() {
        Chunk c = Chunk.cut(data, streamLength, batch, chunk * seq, seq, epoch, chunk);
        if (++chunk == chunksPerEpoch) {
            chunk = 0;
            epoch++;
        }
        return c;
    }

    /**
     * Returns chunk {@code index} of an epoch without moving (every epoch holds the same chunks).
     *
     * @param index the chunk index, in {@code [0, chunksPerEpoch)}
     * @return the chunk, reported as epoch 0
     * @throws IllegalArgumentException if the index is out of range
     */
    public Chunk chunk(int index) {
        requireChunk(index);
        return Chunk.cut(data, streamLength, batch, index * seq, seq, 0, index);
    }

    /**
     * Moves to a position saved by {@link #position()} (the {@link TrainingData} default), so that {@link #next()} continues exactly
     * from there.
     *
     * @param position the position
     * @throws IllegalArgumentException if its chunk index is not below {@link #chunksPerEpoch()}
     *     (the position came from a batcher with another text, batch size or sequence length)
     */
    public void seek(Position position) {
        Objects.requireNonNull(position, "position");
        requireChunk(position.index());
        this.epoch = position.epoch();
        this.chunk = position.index();
    }

    private void requireChunk(int index) {
        if (index < 0 || index >= chunksPerEpoch) {
            throw new IllegalArgumentException("batch position: expected a chunk index in [0, " + chunksPerEpoch
                    + "), found " + index + "; likely cause: the position was saved with another corpus, batch size"
                    + " or sequence length (this batcher: " + describe() + ")");
        }
    }

    /**
     * Returns the number of chunks served since {@link Position#START}:
     * {@code epoch * chunksPerEpoch + chunk}.
     *
     * @return the step count
     */
    @Override
    public long step() {
        return epoch * chunksPerEpoch + chunk;
    }

    /**
     * Moves to the position after {@code steps} chunks from the start, i.e. the reference's state
     * after {@code steps} optimiser steps.
     *
     * @param steps the number of chunks already served, at least 0
     * @throws IllegalArgumentException if {@code steps} is negative
     */
    @Override
    public void seekToStep(long steps) {
        seek(Position.afterSteps(steps, chunksPerEpoch));
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
     * Returns the chunk length in time steps.
     *
     * @return seq
     */
    public int seq() {
        return seq;
    }

    /**
     * Returns L, the number of inputs per stream: {@code (N - 1) / B}.
     *
     * @return the stream length
     */
    public int streamLength() {
        return streamLength;
    }

    /**
     * Returns the number of chunks per epoch: {@code max(1, (L - 1) / seq)}.
     *
     * @return the chunks per epoch, at least 1
     */
    public int chunksPerEpoch() {
        return chunksPerEpoch;
    }

    /** Chunks continue the streams of the chunk before, except at the start of an epoch. */
    @Override
    public boolean carriesState() {
        return true;
    }

    @Override
    public int batchesPerEpoch() {
        return chunksPerEpoch;
    }

    /**
     * Returns N, the number of tokens given.
     *
     * @return the training length
     */
    public int tokenCount() {
        return tokenCount;
    }

    /**
     * Returns the number of tokens the streams hold, {@code L*B + 1}; the rest of the text is dropped.
     *
     * @return the used tokens
     */
    public int usedTokens() {
        return data.length;
    }

    private String describe() {
        return tokenCount + " characters, B=" + batch + ", seq=" + seq + ", L=" + streamLength + ", "
                + chunksPerEpoch + " chunks per epoch";
    }

    @Override
    public String toString() {
        return "StreamBatcher[" + describe() + ", next " + position() + "]";
    }
}
