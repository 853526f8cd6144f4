package dev.recur.data;

import dev.recur.nn.loss.Targets;

/**
 * One chunk of {@code T} time steps of {@code B} parallel streams: the inputs and the targets
 * (the next character of the same stream), both {@code [T, B]} time-major, element {@code (t, b)}
 * at index {@code t*B + b}.
 *
 * <p>With {@code L} the stream length and {@code p = }{@link #offset()}, stream {@code b} is the
 * slice {@code data[b*L, (b+1)*L + 1)} of the tokens, and
 * <pre>{@code
 * input(t, b)  = data[b*L + p + t]
 * target(t, b) = data[b*L + p + t + 1]
 * }</pre>
 * which is the reference's {@code xs[p:p+seq]} and {@code ys[p:p+seq]} (see {@link StreamBatcher}).
 *
 * <p>{@link #startsEpoch()} tells the caller to start this chunk from a zero recurrent state;
 * otherwise the state left by the previous chunk is carried over (without gradient across the
 * chunk boundary, i.e. detached).
 *
 * <p>A chunk is a fresh carrier created for each request: {@link #inputs()} and {@link #targets()}
 * return its own arrays (not copies), which the caller may keep or reuse.
 *
 * <p>Its fields are final, but its arrays are handed out uncopied: share a chunk between threads
 * only while no one writes into them.
 */
public final class Chunk {

    private final int[] inputs;
    private final int[] targets;
    private final int steps;
    private final int batch;
    private final long epoch;
    private final int index;
    private final int offset;

    private Chunk(int[] inputs, int[] targets, int steps, int batch, long epoch, int index, int offset) {
        this.inputs = inputs;
        this.targets = targets;
        this.steps = steps;
        this.batch = batch;
        this.epoch = epoch;
        this.index = index;
        this.offset = offset;
    }

    /**
     * Cuts a chunk out of the stream layout.
     *
     * @param data the tokens; stream {@code b} starts at {@code b*streamLength}
     * @param streamLength L, the number of inputs per stream
     * @param batch B
     * @param offset p, the first time step
     * @param steps T, the number of time steps ({@code p + T <= L})
     * @param epoch the epoch, for the caller's information
     * @param index the chunk's index within the epoch
     * @return the chunk
     */
    static Chunk cut(int[] data, int streamLength, int batch, int offset, int steps, long epoch, int index) {
        int[] in = new int[steps * batch];
        int[] tg = new int[steps * batch];
        for (int b = 0; b < batch; b++) {
            int base = b * streamLength + offset;
            for (int t = 0; t < steps; t++) {
                in[t * batch + b] = data[base + t];
                tg[t * batch + b] = data[base + t + 1];
            }
        }
        return new Chunk(in, tg, steps, batch, epoch, index, offset);
    }

    /**
     * Returns T, the number of time steps (the sequence length, or less for the last validation chunk).
     *
     * @return the steps
     */
    public int steps() {
        return steps;
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
     * Returns the input token ids, {@code [T, B]}, element {@code (t, b)} at {@code t*B + b}.
     *
     * @return this chunk's array (not a copy)
     */
    public int[] inputs() {
        return inputs;
    }

    /**
     * Returns the target token ids (each input's successor in its stream), {@code [T, B]}.
     *
     * @return this chunk's array (not a copy)
     */
    public int[] targets() {
        return targets;
    }

    /**
     * This chunk as a {@link Batch}: the inputs as token ids, the next characters as class targets,
     * continuing the previous chunk's streams unless it {@link #startsEpoch() starts an epoch}.
     *
     * @return the batch (sharing this chunk's arrays)
     */
    public Batch toBatch() {
        return new Batch(steps, batch, null, inputs, null, 0, new Targets.Classes(targets), !startsEpoch());
    }

    /**
     * Returns the input at time {@code t} of stream {@code b}.
     *
     * @param t the time step, in {@code [0, T)}
     * @param b the stream, in {@code [0, B)}
     * @return the token id
     */
    public int input(int t, int b) {
        return inputs[at(t, b)];
    }

    /**
     * Returns the target at time {@code t} of stream {@code b}.
     *
     * @param t the time step, in {@code [0, T)}
     * @param b the stream, in {@code [0, B)}
     * @return the token id
     */
    public int target(int t, int b) {
        return targets[at(t, b)];
    }

    private int at(int t, int b) {
        if (t < 0 || t >= steps || b < 0 || b >= batch) {
            throw new IndexOutOfBoundsException("(t, b) = (" + t + ", " + b + ") outside [" + steps + ", " + batch + "]");
        }
        return t * batch + b;
    }

    /**
     * Returns the number of predicted characters in this chunk, {@code T*B}.
     *
     * @return the number of targets
     */
    public int predictions() {
        return steps * batch;
    }

    /**
     * Returns the epoch this chunk belongs to (0 for validation chunks).
     *
     * @return the epoch, from 0
     */
    public long epoch() {
        return epoch;
    }

    /**
     * Returns the chunk's index within its epoch (or within the validation pass).
     *
     * @return the index, from 0
     */
    public int index() {
        return index;
    }

    /**
     * Returns the first time step of the chunk within the streams: {@code index * seq}, the
     * reference's {@code pos} (training) or {@code p} (validation).
     *
     * @return the offset
     */
    public int offset() {
        return offset;
    }

    /**
     * Tells whether this chunk begins a pass over the streams ({@code index == 0}): the recurrent
     * state must then start from zero, as the reference's {@code st = None}. Otherwise the caller
     * carries the previous chunk's final state (detached).
     *
     * @return true for the first chunk of an epoch or of a validation pass
     */
    public boolean startsEpoch() {
        return index == 0;
    }

    @Override
    public String toString() {
        return "Chunk[epoch " + epoch + ", index " + index + ", offset " + offset + ", T=" + steps + ", B=" + batch + "]";
    }
}
