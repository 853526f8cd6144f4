package dev.recur.nn.sequence;

import dev.recur.nn.Activations;
import dev.recur.nn.CounterRandom;
import dev.recur.nn.Dropout;
import dev.recur.nn.Initializers;
import dev.recur.nn.Layer;
import dev.recur.nn.Module;
import dev.recur.nn.Parameter;
import dev.recur.nn.recurrent.Cell;
import dev.recur.nn.recurrent.CellCache;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.nn.recurrent.CellParams;
import dev.recur.nn.recurrent.LstmGate;
import dev.recur.tensor.Kernels;
import dev.recur.tensor.Precision;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A stack of recurrent layers run over whole sequences: the equivalent of PyTorch's
 * {@code nn.LSTM}, {@code nn.GRU} and {@code nn.RNN} (time-major, {@code batch_first=false}),
 * with full back-propagation through time.
 *
 * <p>Per layer and direction the runner computes the input projection of all steps as one matrix
 * product, lets the {@link Cell} advance the state step by step, and after BPTT forms the weight
 * gradients as matrix products over all steps. Bidirectional layers concatenate forward then
 * reverse features; states are ordered layer-major, direction-minor. Sequences may have their own
 * lengths: outputs past a sequence's end are exactly 0 and receive no gradient, its final state is
 * taken at its own last step, and the reverse direction starts at its own end.
 *
 * <p>Two ways to run it. As a {@link Layer} ({@link #forward(Activations, State)} and
 * {@link #backward(Activations, State, boolean)}) it is one module of a model: it keeps the record of its last
 * forward pass itself and runs in the mode of the module tree. The explicit form
 * ({@link #forward(Activations, State, boolean, Workspace)} and
 * {@link #backward(Tape, Object, State, boolean)}) hands the record over as a {@link Tape} and
 * computes into a reusable {@link Workspace}, for benchmarks and servers.
 *
 * <p>Its parameters are named as PyTorch's ({@code weight_ih_l0}, …, {@code bias_hh_l1_reverse}), in
 * {@code named_parameters()} order. Inter-layer dropout draws counter-based masks
 * ({@link Module.Stochastic}).
 *
 * <p>Not thread-safe: one forward/backward at a time per instance. Results depend only on the
 * inputs, the parameters and (for dropout) the seed and number of training passes so far.
 *
 * @param <A> the array type ({@code double[]} or {@code float[]})
 */
public final class SequenceLayer<A> extends Module<A>
        implements Layer<A, Activations<A>, Activations<A>>, Module.Stochastic {

    private final RecurrentConfig config;
    private final Kernels<A> k;
    private final Cell<A> cell;
    /** {@code [L][D]}. */
    private final List<List<CellParams<A>>> params;
    private final long dropoutSeed;
    private long dropoutPasses;
    /** The record of the last forward pass of the {@link Layer} form, and what it produced. */
    private Tape<A> tape;
    private int[] tapeLengths;
    private State<A> finalState;
    /** What the last backward pass of the {@link Layer} form received and returned. */
    private A outputGradient;
    private State<A> initialStateGradient;

    private SequenceLayer(RecurrentConfig config, Precision<A> precision, long seed) {
        super(precision);
        this.config = config;
        this.k = precision.kernels();
        this.cell = Cell.of(config.cell(), precision);
        this.dropoutSeed = seed ^ 0x5DEECE66DL;
        List<List<CellParams<A>>> layers = new ArrayList<>();
        for (int l = 0; l < config.numLayers(); l++) {
            List<CellParams<A>> dirs = new ArrayList<>();
            for (int d = 0; d < config.directions(); d++) {
                dirs.add(newParams(l, d));
            }
            layers.add(Collections.unmodifiableList(dirs));
        }
        this.params = Collections.unmodifiableList(layers);
        initialize(new SplittableRandom(seed));
    }

    /**
     * A layer with freshly initialised parameters.
     *
     * @param config    shape and options
     * @param precision {@link Precision#F64} or {@link Precision#F32}
     * @param seed      seeds the initial weights and the dropout masks
     */
    public static <A> SequenceLayer<A> create(RecurrentConfig config, Precision<A> precision, long seed) {
        return new SequenceLayer<>(config, precision, seed);
    }

    /**
     * The one recurrent stack of a module tree (the tree itself, or a module in it).
     *
     * @param root the tree
     * @param <A>  the array type
     * @return the stack, or empty when the tree has none or more than one
     */
    public static <A> Optional<SequenceLayer<A>> of(Module<A> root) {
        Map<String, SequenceLayer<A>> rnns = root.modulesOf(SequenceLayer.class);
        return rnns.size() == 1 ? Optional.of(rnns.values().iterator().next()) : Optional.empty();
    }

    private CellParams<A> newParams(int l, int d) {
        int gh = config.cell().gates() * config.hiddenSize();
        String s = "_l" + l + (d == 1 ? "_reverse" : "");
        Parameter<A> wih = addParameter(new Parameter<>(k, "weight_ih" + s, gh, config.layerInputSize(l)));
        Parameter<A> whh = addParameter(new Parameter<>(k, "weight_hh" + s, gh, config.outputSize()));
        Parameter<A> bih = config.bias() ? addParameter(new Parameter<>(k, "bias_ih" + s, gh)) : null;
        Parameter<A> bhh = config.bias() ? addParameter(new Parameter<>(k, "bias_hh" + s, gh)) : null;
        Parameter<A> whr = config.projSize() > 0
                ? addParameter(new Parameter<>(k, "weight_hr" + s, config.projSize(), config.hiddenSize())) : null;
        return new CellParams<>(wih, whh, bih, bhh, whr);
    }

    /**
     * Draws every parameter: weights by the configured schemes, biases (and {@code UNIFORM} weights)
     * from U(−1/√H, 1/√H) as PyTorch, then the LSTM forget-gate bias if configured.
     */
    private void initialize(SplittableRandom rng) {
        int nh = config.hiddenSize();
        int g = config.cell().gates();
        double bound = 1.0 / Math.sqrt(nh);
        for (CellParams<A> p : all()) {
            Initializers.blocks(precision(), p.weightIh(), g, config.inputInit(), bound, rng);
            Initializers.blocks(precision(), p.weightHh(), g, config.recurrentInit(), bound, rng);
            if (p.biasIh() != null) {
                Initializers.uniform(precision(), p.biasIh(), bound, rng);
                Initializers.uniform(precision(), p.biasHh(), bound, rng);
                if (config.cell() == CellKind.LSTM && !Double.isNaN(config.forgetBias())) {
                    int f = LstmGate.FORGET.offset(nh);
                    for (int j = 0; j < nh; j++) {
                        precision().set(p.biasIh().value(), f + j, config.forgetBias());
                        precision().set(p.biasHh().value(), f + j, 0);
                    }
                }
            }
            if (p.weightHr() != null) {
                Initializers.uniform(precision(), p.weightHr(), bound, rng);
            }
        }
    }

    /** The configuration. */
    public RecurrentConfig config() {
        return config;
    }

    /** The parameters of layer {@code layer}, direction {@code direction} (0 forward, 1 reverse). */
    public CellParams<A> params(int layer, int direction) {
        return params.get(layer).get(direction);
    }

    /** How many training-mode forward passes have drawn dropout masks (part of the RNG state). */
    @Override
    public long draws() {
        return dropoutPasses;
    }

    /** Restores the dropout position, e.g. when resuming from a checkpoint. */
    @Override
    public void setDraws(long passes) {
        if (passes < 0) {
            throw new IllegalArgumentException("dropout passes must be >= 0, found " + passes);
        }
        this.dropoutPasses = passes;
    }

    private List<CellParams<A>> all() {
        List<CellParams<A>> out = new ArrayList<>();
        for (List<CellParams<A>> layer : params) {
            out.addAll(layer);
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------
    // the Layer form: the module keeps the record of its last forward pass

    /**
     * Runs the stack from the zero state, in the module's mode; see {@link #forward(Activations, State)}.
     *
     * @param x {@code [T, B, I]} with optional lengths
     * @return {@code [T, B, D*Hout]}: the top layer's state at every step, exactly 0 past each length
     */
    @Override
    public Activations<A> forward(Activations<A> x) {
        return forward(x, null);
    }

    /**
     * Runs the stack over a batch of sequences from a given state, in the module's mode (dropout
     * between layers in training), keeping what {@link #backward(Activations, State, boolean)} needs.
     *
     * @param x       {@code [T, B, I]} with optional lengths
     * @param initial the state to start from, e.g. the previous chunk's {@link #finalState()}; null
     *                (or a null component) for zeros
     * @return {@code [T, B, D*Hout]}: the top layer's state at every step, forward direction first,
     *         exactly 0 past each sequence's length
     * @throws IllegalArgumentException for inputs of the wrong shape or non-finite values
     */
    public Activations<A> forward(Activations<A> x, State<A> initial) {
        SequenceOutput<A> out = forward(x, initial, isTraining());
        tape = out.tape();
        tapeLengths = x.lengths();
        finalState = out.finalState();
        return Activations.sequence(out.output(), x.steps(), x.batch(), config.directions() * config.outputSize(),
                x.lengths());
    }

    /**
     * The state every layer and direction reached in the last forward pass of the {@link Layer} form
     * (each sequence's own last step forward, step 0 in reverse): pass it as the next chunk's initial
     * state for truncated BPTT. No gradient flows back through it.
     *
     * @return the state, or null before the first forward pass
     */
    public State<A> finalState() {
        return finalState;
    }

    /**
     * The record of the last forward pass of the {@link Layer} form, for diagnostics that read the
     * gate values ({@link Tape#cache}); null before the first one.
     *
     * @return the tape
     */
    public Tape<A> lastTape() {
        return tape;
    }

    /**
     * Back-propagates the gradient of the last forward pass's output from a zero final-state gradient;
     * see {@link #backward(Activations, State, boolean)}.
     *
     * @param dy {@code [T, B, D*Hout]}
     * @return {@code [T, B, I]}
     */
    @Override
    public Activations<A> backward(Activations<A> dy) {
        return backward(dy, null, true);
    }

    /**
     * Back-propagates through time from the gradients of the output and of the final state of the
     * last forward pass, adding into every parameter's gradient.
     *
     * @param dy            {@code [T, B, D*Hout]}; ignored past each sequence's length; null for zeros
     * @param dFinal        the gradient of {@link #finalState()}, or null for zeros
     * @param inputGradient whether to compute the input's gradient (false when the input is data: it
     *                      skips one matrix product)
     * @return {@code [T, B, I]}, exactly 0 past each length; null when not asked for
     * @throws IllegalStateException without a forward pass to back-propagate
     */
    public Activations<A> backward(Activations<A> dy, State<A> dFinal, boolean inputGradient) {
        if (tape == null) {
            throw new IllegalStateException("recurrent layer: backward without a forward pass; likely cause: forward "
                    + "was not called, or backward was called twice");
        }
        if (dy != null) {
            dy.require("recurrent output gradient", true, config.directions() * config.outputSize());
        }
        Tape<A> t = tape;
        tape = null;
        outputGradient = dy == null ? null : dy.values();
        InputGradients<A> g = backward(t, outputGradient, dFinal, inputGradient);
        initialStateGradient = g.initialState();
        return g.dx() == null ? null
                : Activations.sequence(g.dx(), t.steps(), t.batch(), config.inputSize(), tapeLengths);
    }

    /**
     * The gradient of the initial state computed by the last backward pass of the {@link Layer} form.
     *
     * @return the gradient, or null before the first one
     */
    public State<A> initialStateGradient() {
        return initialStateGradient;
    }

    /**
     * The output gradient the last backward pass of the {@link Layer} form received (the array given,
     * not a copy), for diagnostics that follow the gradient through time; null before the first one.
     *
     * @return {@code [T, B, D*Hout]}, or null
     */
    public A lastOutputGradient() {
        return outputGradient;
    }

    // ------------------------------------------------------------------------------------------
    // forward

    /**
     * Runs the stack over a batch of sequences.
     *
     * @param in       inputs {@code [T, B, I]} and optional lengths
     * @param initial  initial state, or null for zeros; either component may be null for zeros
     * @param training whether inter-layer dropout is applied
     * @throws IllegalArgumentException for inputs of the wrong shape, lengths outside {@code 1..T},
     *                                  or non-finite values, naming expected and found
     */
    public SequenceOutput<A> forward(Activations<A> in, State<A> initial, boolean training) {
        return forward(in, initial, training, new Workspace<>(false));
    }

    /**
     * {@link #forward(Activations, State, boolean)} into reusable buffers: the returned output,
     * final state and tape live in {@code workspace} and are overwritten by the next forward pass
     * through it.
     *
     * @param workspace from {@link #workspace()}
     */
    public SequenceOutput<A> forward(Activations<A> in, State<A> initial, boolean training, Workspace<A> workspace) {
        Validation.batch(config, precision(), in);
        final int nt = in.steps();
        final int nb = in.batch();
        Validation.state(config, precision(), initial, nb, "initial state");
        final int nl = config.numLayers();
        final int nd = config.directions();
        final int nh = config.hiddenSize();
        final int nout = config.outputSize();
        final int ng = config.cell().gates() * nh;
        final boolean[][] active = activeSteps(in.lengths(), nt, nb);
        final boolean drop = training && config.dropout() > 0;
        final long pass = drop ? dropoutPasses++ : -1;
        final Workspace<A> ws = workspace;
        final boolean fresh = ws.ensure(config, k, nt, nb);
        final boolean pack = !ws.frozenWeights || !ws.packed;

        Object[] inputs = new Object[nl];
        Object[] masks = new Object[nl];
        final A hN = ws.finalH;
        final A cN = ws.finalC;

        A layerIn = in.values();
        for (int l = 0; l < nl; l++) {
            final int nin = config.layerInputSize(l);
            if (l > 0 && drop) {
                A mask = dropoutMask(pass, l, nt * nb * nin);
                k.multiplyInto(mask, 0, layerIn, 0, nt * nb * nin);
                masks[l] = mask;
            }
            inputs[l] = layerIn;
            @SuppressWarnings("unchecked")
            final A out = (A) ws.outputs[l];
            if (!fresh && in.lengths() != null) {
                k.zero(out, 0, nt * nb * nd * nout);   // padded steps must read exactly 0
            }
            for (int d = 0; d < nd; d++) {
                final int kd = l * nd + d;
                final CellParams<A> p = params(l, d);
                final CellCache<A> cache = ws.caches[l][d];
                if (pack) {
                    cache.prepareForward(p);
                    ws.inputWeights[l][d] = k.pack(true, nin, ng, p.weightIh().value(), 0, nin, ws.inputWeights[l][d]);
                    ws.inputBias[l][d] = inputBias(p, ws.inputBias[l][d]);
                }
                final int start = d == 0 ? 0 : nt;   // slot holding the initial state
                if (initial != null && initial.h() != null) {
                    k.copy(initial.h(), kd * nb * nout, cache.states, cache.stateOffset(start), nb * nout);
                } else if (!fresh) {
                    k.zero(cache.states, cache.stateOffset(start), nb * nout);
                }
                if (initial != null && initial.c() != null) {
                    k.copy(initial.c(), kd * nb * nh, cache.cells, cache.cellOffset(start), nb * nh);
                } else if (!fresh && k.length(cache.cells) > 0) {
                    k.zero(cache.cells, cache.cellOffset(start), nb * nh);
                }
                // a = X W_ihᵀ + b_ih (+ b_hh where the cell folds it) for all steps at once: [T*B, In] · [In, G*H]
                @SuppressWarnings("unchecked")
                final A bias = (A) ws.inputBias[l][d];
                if (bias != null) {
                    k.gemmBias(false, nt * nb, ng, nin, layerIn, 0, nin, ws.inputWeights[l][d], bias, cache.gateValues, 0, ng);
                } else {
                    k.gemm(false, nt * nb, ng, nin, layerIn, 0, nin, ws.inputWeights[l][d], false, cache.gateValues, 0, ng);
                }
                final int ranges = cache.rowRanges();
                if (ranges > 1 && cell.runsRowRanges(p)) {
                    // the rows (sequences) of a batch never meet in the recurrence: each thread takes
                    // its range of rows through every step, and the threads meet once, not per step
                    final int dir = d;
                    k.parallel().run(ranges, r -> forwardRange(p, cache, dir, nt, active,
                            cache.rowStart(ranges, r), cache.rowStart(ranges, r + 1)));
                } else {
                    for (int s = 0; s < nt; s++) {
                        final int t = stepAt(s, d, nt);
                        cell.forward(p, cache, t, prevSlot(t, d), curSlot(t, d), active[t]);
                    }
                }
                // this direction's state at each step -> its half of the layer output (0 where inactive)
                for (int t = 0; t < nt; t++) {
                    final int slot = d == 0 ? t + 1 : t;
                    for (int b = 0; b < nb; b++) {
                        if (active[t][b]) {
                            k.copy(cache.states, cache.stateOffset(slot) + b * nout,
                                    out, (t * nb + b) * nd * nout + d * nout, nout);
                        }
                    }
                }
                final int end = d == 0 ? nt : 0;   // slot holding the final state
                k.copy(cache.states, cache.stateOffset(end), hN, kd * nb * nout, nb * nout);
                if (cN != null) {
                    k.copy(cache.cells, cache.cellOffset(end), cN, kd * nb * nh, nb * nh);
                }
            }
            layerIn = out;
        }
        ws.packed = true;
        Tape<A> tape = new Tape<>(nt, nb, active, inputs, masks, ws.caches, ws.outputGrads);
        return new SequenceOutput<>(layerIn, new State<>(hN, cN), tape);
    }

    /** Takes rows {@code [b0, b1)} through all {@code nt} steps of direction {@code d}, on the calling thread. */
    private void forwardRange(CellParams<A> p, CellCache<A> cache, int d, int nt, boolean[][] active, int b0, int b1) {
        for (int s = 0; s < nt; s++) {
            final int t = stepAt(s, d, nt);
            cell.forwardRange(p, cache, t, prevSlot(t, d), curSlot(t, d), active[t], b0, b1);
        }
    }

    /** The step taken {@code s}-th in direction {@code d} (0 forward in time, 1 reverse). */
    private static int stepAt(int s, int d, int nt) {
        return d == 0 ? s : nt - 1 - s;
    }

    /** The state slot that step {@code t} of direction {@code d} reads (slot 0 or T holds the initial state). */
    private static int prevSlot(int t, int d) {
        return d == 0 ? t : t + 1;
    }

    /** The state slot that step {@code t} of direction {@code d} writes. */
    private static int curSlot(int t, int d) {
        return d == 0 ? t + 1 : t;
    }

    /** A new workspace for {@link #forward(Activations, State, boolean, Workspace)}. */
    public Workspace<A> workspace() {
        return new Workspace<>(false);
    }

    /**
     * A new workspace for serving with fixed weights: the weights are packed for the kernels at the
     * first forward pass through it and reused after, so a forward pass does no packing and no
     * allocation. Weights changed later are not seen by this workspace.
     */
    public Workspace<A> inferenceWorkspace() {
        return new Workspace<>(true);
    }

    private static boolean[][] activeSteps(int[] lengths, int nt, int nb) {
        boolean[][] active = new boolean[nt][nb];
        for (int t = 0; t < nt; t++) {
            for (int b = 0; b < nb; b++) {
                active[t][b] = lengths == null || t < lengths[b];
            }
        }
        return active;
    }

    /**
     * The bias of a layer-direction's input projection: {@code b_ih}, plus {@code b_hh} when the
     * cell folds it in ({@link Cell#foldsHiddenBias()}); null without biases.
     *
     * @param reuse the previous result, overwritten when its size fits
     */
    private A inputBias(CellParams<A> p, Object reuse) {
        if (p.biasIh() == null) {
            return null;
        }
        int n = p.biasIh().size();
        @SuppressWarnings("unchecked")
        A out = reuse != null && k.length((A) reuse) == n ? (A) reuse : k.alloc(n);
        k.copy(p.biasIh().value(), 0, out, 0, n);
        if (cell.foldsHiddenBias()) {
            k.addInto(p.biasHh().value(), 0, out, 0, n);
        }
        return out;
    }

    /**
     * Inverted dropout mask for layer {@code l}'s input in training pass {@code pass}: each element
     * 0 with probability p, else 1/(1−p). Counter-based (SplitMix64 of seed, pass, layer, index), so
     * a mask depends only on those four numbers.
     */
    private A dropoutMask(long pass, int layer, int n) {
        long base = CounterRandom.mix(CounterRandom.mix(dropoutSeed + pass) + layer);
        return Dropout.invertedMask(precision(), config.dropout(), base, n);
    }

    // ------------------------------------------------------------------------------------------
    // backward

    /**
     * Back-propagates through time: from the gradients of the outputs and of the final state to the
     * gradients of the inputs and of the initial state, adding every parameter's gradient into
     * {@link Parameter#grad()}.
     *
     * @param tape   from the forward pass
     * @param dOutput {@code [T, B, D*Hout]} gradient of the output, or null for zeros; ignored past
     *                each sequence's length
     * @param dFinal gradient of the final state, or null; either component may be null for zeros
     * @throws IllegalStateException if the tape was already back-propagated
     */
    public InputGradients<A> backward(Tape<A> tape, A dOutput, State<A> dFinal) {
        return backward(tape, dOutput, dFinal, true);
    }

    /**
     * {@link #backward(Tape, Object, State)}, with the gradient of the input optional: when the
     * input is data (nothing upstream to train, as PyTorch when {@code x} does not require a
     * gradient), {@code inputGradient = false} skips the bottom layer's {@code dX = da W_ih}, one
     * {@code [T*B, G*H] · [G*H, I]} product and a {@code [T, B, I]} buffer.
     *
     * @param inputGradient whether to compute {@link InputGradients#dx()}; null in the result if not
     */
    public InputGradients<A> backward(Tape<A> tape, A dOutput, State<A> dFinal, boolean inputGradient) {
        final int nt = tape.steps;
        final int nb = tape.batch;
        final int nl = config.numLayers();
        final int nd = config.directions();
        final int nh = config.hiddenSize();
        final int nout = config.outputSize();
        final int ng = config.cell().gates() * nh;
        Validation.gradients(config, precision(), dOutput, dFinal, nt, nb);
        if (tape.consumed) {
            throw new IllegalStateException("this tape was already back-propagated: expected the tape of a forward pass "
                    + "not yet back-propagated, found a used one (backward overwrites the gate values with their "
                    + "gradients); run forward again");
        }
        tape.consumed = true;
        A dh0 = k.alloc(nl * nd * nb * nout);
        A dc0 = config.cell().hasCellState() ? k.alloc(nl * nd * nb * nh) : null;

        A dOut = dOutput;   // gradient of this layer's output [T, B, D*Hout], or null
        A dIn = null;
        for (int l = nl - 1; l >= 0; l--) {
            final int nin = config.layerInputSize(l);
            final A layerIn = tape.input(l);
            final boolean needIn = l > 0 || inputGradient;
            // the bottom layer's dX goes to the caller in a new array; the dX of a layer above it, to
            // a buffer of the workspace that every backward pass through it reuses
            dIn = !needIn ? null : l == 0 ? k.alloc(nt * nb * nin) : outputGrad(tape, l - 1, nt * nb * nin);
            for (int d = 0; d < nd; d++) {
                final int kd = l * nd + d;
                final CellParams<A> p = params(l, d);
                final CellCache<A> cache = tape.caches[l][d];
                cache.prepareBackward(p, config.cell());
                if (dFinal != null && dFinal.h() != null) {
                    k.copy(dFinal.h(), kd * nb * nout, cache.dh, 0, nb * nout);
                }
                if (dFinal != null && dFinal.c() != null) {
                    k.copy(dFinal.c(), kd * nb * nh, cache.dc, 0, nb * nh);
                }
                final int ranges = cache.rowRanges();
                if (ranges > 1 && cell.runsRowRanges(p)) {
                    // as in forward: each thread takes its rows back through every step, alternating
                    // its rows of the two carry buffers; after nt steps the carry is in dhPrev when
                    // nt is odd, so the cache's two are swapped once to match the step-by-step order
                    final int dir = d;
                    final A upstream = dOut;
                    k.parallel().run(ranges, r -> backwardRange(p, cache, tape, upstream, dir,
                            cache.rowStart(ranges, r), cache.rowStart(ranges, r + 1)));
                    if (nt % 2 == 1) {
                        cache.swapHiddenGrads();
                    }
                } else {
                    for (int s = nt - 1; s >= 0; s--) {
                        final int t = stepAt(s, d, nt);
                        addOutputGrad(tape, dOut, d, t, cache.dh, 0, nb);
                        cell.backward(p, cache, t, prevSlot(t, d), curSlot(t, d), tape.active[t]);
                        cache.swapHiddenGrads();
                    }
                }
                k.copy(cache.dh, 0, dh0, kd * nb * nout, nb * nout);
                if (dc0 != null) {
                    k.copy(cache.dc, 0, dc0, kd * nb * nh, nb * nh);
                }
                // a = X W_ihᵀ + b_ih + H_prev W_hhᵀ + b_hh over all T*B rows:
                // dW_ih += daᵀ X,  db_ih += Σ da,  dW_hh += da_hᵀ H_prev,  db_hh += Σ da_h,  dX += da W_ih
                k.gemm(true, false, ng, nin, nt * nb, cache.gateGrads, 0, ng, layerIn, 0, nin,
                        true, p.weightIh().grad(), 0, nin);
                final int prevSlot0 = d == 0 ? 0 : 1;
                k.gemm(true, false, ng, nout, nt * nb, cache.hiddenGateGrads, 0, ng,
                        cache.states, cache.stateOffset(prevSlot0), nout, true, p.weightHh().grad(), 0, nout);
                if (p.biasIh() != null && cache.hiddenGateGrads == cache.gateGrads) {
                    // LSTM and RNN: b_ih and b_hh get the same Σ da, summed once
                    A sums = k.alloc(ng);
                    k.addColumnSums(cache.gateGrads, 0, nt * nb, ng, sums);
                    k.addInto(sums, 0, p.biasIh().grad(), 0, ng);
                    k.addInto(sums, 0, p.biasHh().grad(), 0, ng);
                } else if (p.biasIh() != null) {
                    k.addColumnSums(cache.gateGrads, 0, nt * nb, ng, p.biasIh().grad());
                    k.addColumnSums(cache.hiddenGateGrads, 0, nt * nb, ng, p.biasHh().grad());
                }
                if (needIn) {
                    k.gemm(false, false, nt * nb, nin, ng, cache.gateGrads, 0, ng, p.weightIh().value(), 0, nin,
                            d > 0, dIn, 0, nin);
                }
            }
            if (l > 0 && tape.dropoutMask(l) != null) {
                k.multiplyInto(tape.dropoutMask(l), 0, dIn, 0, nt * nb * nin);
            }
            dOut = dIn;
        }
        return new InputGradients<>(dIn, new State<>(dh0, dc0));
    }

    /**
     * Takes rows {@code [b0, b1)} back through all steps of direction {@code d}, on the calling
     * thread: {@link #backward}'s step loop for those rows, with the carry buffers alternated here.
     */
    private void backwardRange(CellParams<A> p, CellCache<A> cache, Tape<A> tape, A dOut, int d, int b0, int b1) {
        final int nt = tape.steps;
        A dh = cache.dh;
        A dhPrev = cache.dhPrev;
        for (int s = nt - 1; s >= 0; s--) {
            final int t = stepAt(s, d, nt);
            addOutputGrad(tape, dOut, d, t, dh, b0, b1);
            cell.backwardRange(p, cache, t, prevSlot(t, d), curSlot(t, d), tape.active[t], b0, b1, dh, dhPrev);
            final A swap = dh;
            dh = dhPrev;
            dhPrev = swap;
        }
    }

    /**
     * The step's output is read by the layer above (or the loss): adds its gradient at step
     * {@code t}, direction {@code d}, rows {@code [b0, b1)}, into the carry {@code dh} (nothing when
     * {@code dOut} is null).
     */
    private void addOutputGrad(Tape<A> tape, A dOut, int d, int t, A dh, int b0, int b1) {
        if (dOut == null) {
            return;
        }
        final int nb = tape.batch;
        final int nd = config.directions();
        final int nout = config.outputSize();
        for (int b = b0; b < b1; b++) {
            if (tape.active[t][b]) {
                k.serial().addInto(dOut, (t * nb + b) * nd * nout + d * nout, dh, b * nout, nout);
            }
        }
    }

    /** The tape's buffer for the gradient of layer {@code l}'s output ({@code n} elements), made the first time. */
    @SuppressWarnings("unchecked")
    private A outputGrad(Tape<A> tape, int l, int n) {
        if (tape.outputGrads[l] == null) {
            tape.outputGrads[l] = k.alloc(n);
        }
        return (A) tape.outputGrads[l];
    }

    // ------------------------------------------------------------------------------------------
    // streaming

    /**
     * A step-by-step session that carries the state between calls, for generation and online use.
     * Feeding a sequence one step at a time gives the same outputs as {@link #forward} on the whole
     * sequence (inference mode, no dropout).
     *
     * @param batch   {@code B}
     * @param initial initial state, or null for zeros
     * @throws IllegalArgumentException if the layer is bidirectional (the reverse direction needs
     *                                  the whole sequence)
     */
    public Stream<A> stream(int batch, State<A> initial) {
        if (config.bidirectional()) {
            throw new IllegalArgumentException("streaming needs a unidirectional layer: the reverse direction of a "
                    + "bidirectional layer starts at the end of the sequence; run forward() on whole sequences instead");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("stream batch size must be >= 1, found " + batch);
        }
        Validation.state(config, precision(), initial, batch, "initial state");
        return new Stream<>(this, batch, initial);
    }

    /**
     * A streaming session over a unidirectional {@link SequenceLayer}; see
     * {@link SequenceLayer#stream}.
     *
     * @param <A> the array type
     */
    public static final class Stream<A> {
        private final SequenceLayer<A> layer;
        private final int batch;
        private final Workspace<A> workspace = new Workspace<>(true);
        private State<A> state;

        private Stream(SequenceLayer<A> layer, int batch, State<A> initial) {
            this.layer = layer;
            this.batch = batch;
            this.state = initial == null ? null : initial.copy(layer.k);
        }

        /**
         * Advances every sequence by one step. The weights are packed at the first step: a stream
         * computes with the weights as they were then (open a new stream after changing them).
         *
         * @param x {@code [B, I]}: this step's input
         * @return {@code [B, Hout]}: the top layer's new hidden state, in a buffer the next step
         *         overwrites
         */
        public A step(A x) {
            SequenceOutput<A> out = layer.forward(Activations.sequence(x, 1, batch, layer.config.inputSize()), state, false,
                    workspace);
            State<A> next = out.finalState();
            if (state == null) {
                state = next.copy(layer.k);
            } else {
                layer.k.copy(next.h(), 0, state.h(), 0, layer.k.length(next.h()));
                if (next.c() != null) {
                    layer.k.copy(next.c(), 0, state.c(), 0, layer.k.length(next.c()));
                }
            }
            return out.output();
        }

        /** The current state of every layer (null before the first step if started from zeros); a live view. */
        public State<A> state() {
            return state;
        }
    }
}
