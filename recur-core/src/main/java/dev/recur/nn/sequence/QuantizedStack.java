package dev.recur.nn.sequence;

import dev.recur.nn.recurrent.CellKind;
import dev.recur.nn.recurrent.CellParams;
import dev.recur.nn.recurrent.QuantizedCells;
import dev.recur.nn.recurrent.QuantizedVectorCells;
import dev.recur.tensor.Parallel;
import dev.recur.tensor.Precision;
import dev.recur.tensor.QuantizedMatrix;
import java.util.Objects;

/**
 * A unidirectional float32 recurrent stack for inference with its weights quantized
 * ({@link QuantizedMatrix}: bf16, or int8 with per-row scales): each layer's {@code weight_ih} and
 * {@code weight_hh} are kept side by side, {@code [G·H, I + H]}, so a step reads every weight once,
 * in one pass, for both products; the biases, the activations and the states stay float32, and the
 * gate nonlinearities are the vectorised ones of the float32 cells ({@link QuantizedVectorCells};
 * {@link QuantizedCells} without the Vector API).
 * Steps one time step at a time ({@link Runner}).
 *
 * <pre>
 * gi = Q(W_ih) x + b_ih (+ b_hh for LSTM and RNN);  gh = Q(W_hh) h (+ b_hh for GRU)
 * LSTM: i,f,o = σ(gi + gh), g = tanh(gi_g + gh_g); c = f c + i g; h = o tanh(c)
 * GRU:  r,z = σ(gi + gh); n = tanh(gi_n + r gh_n); h = (1 − z) n + z h
 * RNN:  h = φ(gi + gh),  φ = tanh or relu
 * </pre>
 *
 * <p>Threads split each layer's hidden units (multiples of 16): a thread forms the rows of every
 * gate of its units and applies their gates, so the threads meet once per layer and step. Each row
 * is summed whole by one thread in a fixed order, so results do not depend on the thread count.
 * A batch of {@code B > 1} rows is a loop over the rows, each a batch-1 product (a slower path
 * than the float32 GEMM: the weights are read once per row, from cache).
 *
 * <p>Not supported (refused): bidirectional layers and the LSTM projection. Immutable and
 * thread-safe; a {@link Runner} is used by one thread at a time.
 */
public final class QuantizedStack {

    /** Products of fewer weights than this run on the calling thread alone (a meeting costs more). */
    static final int PARALLEL_WEIGHTS = 1 << 17;

    private final RecurrentConfig config;
    private final QuantizedMatrix.Format format;
    /** Per layer: {@code [W_ih | W_hh]}, {@code [G·H, I_l + H]}. */
    private final QuantizedMatrix[] weights;
    /** Per layer: LSTM/RNN {@code b_ih + b_hh}; GRU {@code b_ih}; null without biases. */
    private final float[][] bias1;
    /** Per layer: GRU {@code b_hh}; else null. */
    private final float[][] bias2;
    /** Per layer: {@code b_ih}, {@code b_hh} as given, or null (kept to be saved). */
    private final float[][] biasIh;
    private final float[][] biasHh;
    private final Parallel team;
    private final boolean vector;

    private QuantizedStack(RecurrentConfig config, QuantizedMatrix[] ih, QuantizedMatrix[] hh, float[][] bih,
                           float[][] bhh, Parallel team, boolean vector) {
        this.config = config;
        this.format = ih[0].format();
        this.team = team;
        this.vector = vector;
        int nl = config.numLayers();
        int ng = config.cell().gates() * config.hiddenSize();
        weights = new QuantizedMatrix[nl];
        bias1 = new float[nl][];
        bias2 = new float[nl][];
        biasIh = bih;
        biasHh = bhh;
        for (int l = 0; l < nl; l++) {
            weights[l] = QuantizedMatrix.concat(ih[l], hh[l]);
            if (config.bias()) {
                if (config.cell() == CellKind.GRU) {
                    bias1[l] = bih[l].clone();
                    bias2[l] = bhh[l].clone();
                } else {
                    // the fold of the float32 cells: b_ih + b_hh, added once
                    float[] b = new float[ng];
                    for (int j = 0; j < ng; j++) {
                        b[j] = bih[l][j] + bhh[l][j];
                    }
                    bias1[l] = b;
                }
            }
        }
    }

    /**
     * Quantizes a layer's weights (a snapshot: later changes to the layer are not seen).
     *
     * @param layer   a unidirectional float32 layer without projection
     * @param format  bf16 or int8
     * @param threads threads that share each step (1 = the caller only)
     * @return the quantized stack
     * @throws IllegalArgumentException for a bidirectional layer, one with a projection, or a float64 one
     */
    public static QuantizedStack of(SequenceLayer<float[]> layer, QuantizedMatrix.Format format, int threads) {
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(format, "format");
        RecurrentConfig c = layer.config();
        requireSupported(c);
        if (layer.precision().isDouble()) {
            throw new IllegalArgumentException("quantized inference: expected a float32 layer, found float64");
        }
        int nl = c.numLayers();
        int ng = c.cell().gates() * c.hiddenSize();
        QuantizedMatrix[] ih = new QuantizedMatrix[nl];
        QuantizedMatrix[] hh = new QuantizedMatrix[nl];
        float[][] bih = new float[nl][];
        float[][] bhh = new float[nl][];
        for (int l = 0; l < nl; l++) {
            CellParams<float[]> p = layer.params(l, 0);
            ih[l] = QuantizedMatrix.quantize(format, p.weightIh().name(), p.weightIh().value(), 0, ng,
                    c.layerInputSize(l));
            hh[l] = QuantizedMatrix.quantize(format, p.weightHh().name(), p.weightHh().value(), 0, ng, c.hiddenSize());
            if (c.bias()) {
                bih[l] = p.biasIh().value().clone();
                bhh[l] = p.biasHh().value().clone();
            }
        }
        return of(c, ih, hh, c.bias() ? bih : null, c.bias() ? bhh : null, threads);
    }

    /**
     * A stack from its quantized weights and float32 biases (as read from a file).
     *
     * @param config  the configuration (unidirectional, no projection)
     * @param ih      per layer {@code weight_ih}, {@code [G·H, I_l]}, all of one format
     * @param hh      per layer {@code weight_hh}, {@code [G·H, H]}
     * @param biasIh  per layer {@code bias_ih} {@code [G·H]}, or null without biases
     * @param biasHh  per layer {@code bias_hh}, or null
     * @param threads threads that share each step
     * @return the stack
     * @throws IllegalArgumentException for shapes that do not fit the configuration
     */
    public static QuantizedStack of(RecurrentConfig config, QuantizedMatrix[] ih, QuantizedMatrix[] hh,
                                    float[][] biasIh, float[][] biasHh, int threads) {
        requireSupported(config);
        Parallel.requireThreads("threads", threads, false);
        int nl = config.numLayers();
        int ng = config.cell().gates() * config.hiddenSize();
        if (ih.length != nl || hh.length != nl || config.bias() != (biasIh != null) || (biasIh != null
                && (biasIh.length != nl || biasHh == null || biasHh.length != nl))) {
            throw new IllegalArgumentException("quantized stack: expected the weights and biases of " + nl
                    + " layers for " + config);
        }
        for (int l = 0; l < nl; l++) {
            if (ih[l].rows() != ng || ih[l].cols() != config.layerInputSize(l) || hh[l].rows() != ng
                    || hh[l].cols() != config.hiddenSize() || ih[l].format() != ih[0].format()
                    || hh[l].format() != ih[0].format() || (biasIh != null
                    && (biasIh[l].length != ng || biasHh[l].length != ng))) {
                throw new IllegalArgumentException("quantized stack: layer " + l + " has weights " + ih[l] + " and "
                        + hh[l] + ", expected [" + ng + ", " + config.layerInputSize(l) + "] and [" + ng + ", "
                        + config.hiddenSize() + "] of one format, biases of " + ng);
            }
        }
        return new QuantizedStack(config, ih, hh, biasIh, biasHh, Precision.team(threads),
                QuantizedMatrix.vectorKernelsAvailable());
    }

    private static void requireSupported(RecurrentConfig c) {
        if (c.bidirectional() || c.projSize() > 0) {
            throw new IllegalArgumentException("quantized inference: expected a unidirectional layer without "
                    + "projection, found " + c);
        }
    }

    /**
     * This stack computing on the plain reference loops ({@link QuantizedMatrix#productReference},
     * the {@code …Reference} gates), on one thread: for the tests.
     *
     * @return the reference stack (sharing the weights)
     */
    public QuantizedStack reference() {
        QuantizedMatrix[] ih = new QuantizedMatrix[weights.length];
        QuantizedMatrix[] hh = new QuantizedMatrix[weights.length];
        for (int l = 0; l < weights.length; l++) {
            ih[l] = weightIh(l);
            hh[l] = weightHh(l);
        }
        return new QuantizedStack(config, ih, hh, biasIh, biasHh, Parallel.SERIAL, false);
    }

    /** The configuration. */
    public RecurrentConfig config() {
        return config;
    }

    /** The storage of the weights. */
    public QuantizedMatrix.Format format() {
        return format;
    }

    /**
     * {@code weight_ih} of layer {@code l}, quantized (a copy of its block).
     *
     * @param l the layer
     * @return {@code [G·H, I_l]}
     */
    public QuantizedMatrix weightIh(int l) {
        return weights[l].block(0);
    }

    /**
     * {@code weight_hh} of layer {@code l}, quantized (a copy of its block).
     *
     * @param l the layer
     * @return {@code [G·H, H]}
     */
    public QuantizedMatrix weightHh(int l) {
        return weights[l].block(1);
    }

    /** {@code bias_ih} of layer {@code l} (a copy), or null without biases. */
    public float[] biasIh(int l) {
        return biasIh == null ? null : biasIh[l].clone();
    }

    /** {@code bias_hh} of layer {@code l} (a copy), or null without biases. */
    public float[] biasHh(int l) {
        return biasHh == null ? null : biasHh[l].clone();
    }

    /**
     * A runner over {@code batch} sequences, with its own state and buffers.
     *
     * @param batch   {@code B >= 1}
     * @param initial the state to start from ({@code [L, B, H]}, and {@code c} for the LSTM), or null for zeros; copied
     * @return the runner
     */
    public Runner runner(int batch, State<float[]> initial) {
        if (batch < 1) {
            throw new IllegalArgumentException("quantized runner: batch must be >= 1, found " + batch);
        }
        Validation.state(config, Precision.F32, initial, batch, "initial state");
        return new Runner(batch, initial);
    }

    /** Steps {@code B} sequences; one thread at a time. */
    public final class Runner {
        private final int nb;
        private final int nh;
        private final int ng;
        private final float[][] h;
        private final float[][] hNext;
        private final float[][] c;
        private final float[] gi;
        private final float[] gh;

        private Runner(int nb, State<float[]> initial) {
            this.nb = nb;
            this.nh = config.hiddenSize();
            this.ng = config.cell().gates() * nh;
            int nl = config.numLayers();
            h = new float[nl][nb * nh];
            hNext = new float[nl][nb * nh];
            c = config.cell() == CellKind.LSTM ? new float[nl][nb * nh] : null;
            for (int l = 0; l < nl && initial != null; l++) {
                System.arraycopy(initial.h(), l * nb * nh, h[l], 0, nb * nh);
                if (c != null) {
                    System.arraycopy(initial.c(), l * nb * nh, c[l], 0, nb * nh);
                }
            }
            gi = new float[nb * ng];
            gh = new float[nb * ng];
        }

        /**
         * Advances every sequence by one step.
         *
         * @param x    {@code [B, I]}: this step's input, from {@code xOff}
         * @param xOff index of {@code x[0, 0]}
         * @return {@code [B, H]}: the top layer's new hidden state, in a buffer the next step overwrites
         */
        public float[] step(float[] x, int xOff) {
            int ni = config.inputSize();
            if (xOff < 0 || (long) xOff + (long) nb * ni > x.length) {
                throw new IllegalArgumentException("quantized step: expected [" + nb + ", " + ni + "] inputs from "
                        + xOff + ", found an array of " + x.length);
            }
            float[] in = x;
            int inOff = xOff;
            for (int l = 0; l < weights.length; l++) {
                final int layer = l;
                final float[] input = in;
                final int input0 = inOff;
                // each thread takes the same units of every gate, in groups of 16: with H a multiple
                // of 16 its rows of a gate are whole panels of the weights (QuantizedMatrix)
                final int units16 = (nh + 15) / 16;
                final int ranges = team.threads() == 1 || (long) ng * weights[l].cols() < PARALLEL_WEIGHTS ? 1
                        : Math.min(team.threads(), units16);
                if (ranges == 1) {
                    layerRange(layer, input, input0, 0, nh);
                } else {
                    team.run(ranges, r -> layerRange(layer, input, input0,
                            Math.min(nh, 16 * Parallel.split(units16, ranges, r)),
                            Math.min(nh, 16 * Parallel.split(units16, ranges, r + 1))));
                }
                float[] t = h[l];
                h[l] = hNext[l];
                hNext[l] = t;
                in = h[l];
                inOff = 0;
            }
            return h[weights.length - 1];
        }

        /** Units {@code [j0, j1)} of layer {@code l}, every row of the batch: the rows of their gates, then the gates. */
        private void layerRange(int l, float[] x, int xOff, int j0, int j1) {
            final QuantizedMatrix w = weights[l];
            final int ni = w.split();
            final int nk = config.cell().gates();
            final CellKind cell = config.cell();
            for (int b = 0; b < nb; b++) {
                final int g0 = b * ng;
                for (int k = 0; k < nk; k++) {
                    if (vector) {
                        w.product(k * nh + j0, k * nh + j1, x, xOff + b * ni, h[l], b * nh, bias1[l], bias2[l], gi,
                                gh, g0);
                    } else {
                        w.productReference(k * nh + j0, k * nh + j1, x, xOff + b * ni, h[l], b * nh, bias1[l],
                                bias2[l], gi, gh, g0);
                    }
                }
                if (vector) {
                    switch (cell) {
                        case LSTM -> QuantizedVectorCells.lstm(gi, gh, g0, nh, j0, j1, c[l], b * nh, hNext[l],
                                b * nh);
                        case GRU -> QuantizedVectorCells.gru(gi, gh, g0, nh, j0, j1, h[l], b * nh, hNext[l],
                                b * nh);
                        case RNN_TANH, RNN_RELU -> QuantizedVectorCells.rnn(cell == CellKind.RNN_RELU, gi, gh, g0,
                                j0, j1, hNext[l], b * nh);
                    }
                } else {
                    switch (cell) {
                        case LSTM -> QuantizedCells.lstm(gi, gh, g0, nh, j0, j1, c[l], b * nh, hNext[l],
                                b * nh);
                        case GRU -> QuantizedCells.gru(gi, gh, g0, nh, j0, j1, h[l], b * nh, hNext[l],
                                b * nh);
                        case RNN_TANH, RNN_RELU -> QuantizedCells.rnn(cell == CellKind.RNN_RELU, gi, gh, g0,
                                j0, j1, hNext[l], b * nh);
                    }
                }
            }
        }

        /** The state reached so far, a copy: {@code [L, B, H]} (and the LSTM's {@code c}). */
        public State<float[]> state() {
            int nl = h.length;
            float[] hs = new float[nl * nb * nh];
            float[] cs = c == null ? null : new float[nl * nb * nh];
            for (int l = 0; l < nl; l++) {
                System.arraycopy(h[l], 0, hs, l * nb * nh, nb * nh);
                if (cs != null) {
                    System.arraycopy(c[l], 0, cs, l * nb * nh, nb * nh);
                }
            }
            return new State<>(hs, cs);
        }
    }
}
