package dev.recur.bench;

import dev.recur.nn.recurrent.CellKind;

/**
 * One benchmark workload: a recurrent stack over a batch of random float32 sequences.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name          {@code W1} … {@code W7}
 * @param cell          the cell kind
 * @param batch         {@code B}
 * @param steps         {@code T}
 * @param inputSize     {@code I}
 * @param hiddenSize    {@code H}
 * @param layers        {@code L}
 * @param inferenceOnly whether only {@code forward} is defined
 */
public record Workload(String name, CellKind cell, int batch, int steps, int inputSize, int hiddenSize,
                       int layers, boolean inferenceOnly) {

    /** Classes of the {@code train_step} head. */
    public static final int CLASSES = 65;

    /**
     * The recurrent FLOPs of one forward pass, as {@code workloads.json} counts them: per layer
     * {@code 2·B·T·(in + H)·G·H}, with {@code in = I} for layer 0 and {@code H} above.
     */
    public double forwardFlops() {
        double flops = 0;
        for (int l = 0; l < layers; l++) {
            int in = l == 0 ? inputSize : hiddenSize;
            flops += 2.0 * batch * steps * (in + hiddenSize) * cell.gates() * hiddenSize;
        }
        return flops;
    }

    /** The FLOPs credited to one run of {@code mode}: the forward count, or 3× for {@code train_step}. */
    public double flops(Mode mode) {
        return mode == Mode.TRAIN_STEP ? 3 * forwardFlops() : forwardFlops();
    }

    /** Tokens (sequence steps) processed per run: {@code B·T}. */
    public long tokens() {
        return (long) batch * steps;
    }

    /** What is timed. */
    public enum Mode {
        /** The recurrent stack only, inference mode. */
        FORWARD("forward"),
        /** Stack, head, cross-entropy, backward and an SGD update. */
        TRAIN_STEP("train_step");

        private final String id;

        Mode(String id) {
            this.id = id;
        }

        /** {@code forward} or {@code train_step}. */
        public String id() {
            return id;
        }

        /** The mode with this {@link #id()}; throws naming the accepted values. */
        public static Mode fromId(String id) {
            for (Mode m : values()) {
                if (m.id.equals(id)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown mode '" + id + "': expected forward or train_step");
        }
    }
}
