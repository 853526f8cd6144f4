package dev.recur.nn;

import dev.recur.tensor.Kernels;
import dev.recur.tensor.Precision;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A node of a network: its own {@link Parameter}s and named child modules, so that a whole model
 * is a tree (PyTorch's {@code nn.Module}).
 *
 * <p>{@link #namedParameters()} walks the tree and names every parameter by its path, exactly as
 * PyTorch's {@code state_dict}: a module's own parameters first, in the order they were added,
 * then each child's under the child's name ({@code encoder.rnn.weight_ih_l0}). The checkpoint,
 * the optimizers and gradient clipping all take their parameters from here, so a new layer needs
 * no code anywhere else to be saved, loaded or trained.
 *
 * <p>A module is in training mode when created; {@link #setTraining} switches the whole subtree
 * (dropout draws masks only in training). Modules that draw random numbers while training (dropout)
 * implement {@link Stochastic}, so that a checkpoint can save and restore where each one is.
 *
 * <p>How a module computes is up to it; most implement {@link Layer}: a forward pass that records
 * what its backward pass needs, and a backward pass that adds into the parameters' gradients and
 * returns the gradient of the input. Not thread-safe: one forward/backward at a time per tree.
 *
 * @param <A> the array type ({@code double[]} or {@code float[]})
 */
public abstract class Module<A> {

    /** A child's name: a Python identifier, as PyTorch requires of submodule names. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final Precision<A> precision;
    private final LinkedHashMap<String, Parameter<A>> parameters = new LinkedHashMap<>();
    private final LinkedHashMap<String, Module<A>> children = new LinkedHashMap<>();
    private boolean training = true;

    /**
     * A module computing in {@code precision}.
     *
     * @param precision {@link Precision#F64} or {@link Precision#F32}, possibly on several threads
     */
    protected Module(Precision<A> precision) {
        this.precision = Objects.requireNonNull(precision, "precision");
    }

    /**
     * Registers one of this module's own parameters under its {@link Parameter#name()}.
     *
     * @param parameter the parameter
     * @return the parameter
     * @throws IllegalArgumentException if the name is taken
     */
    protected final Parameter<A> addParameter(Parameter<A> parameter) {
        String name = parameter.name();
        if (parameters.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": expected a new name, found '" + name
                    + "' taken already");
        }
        parameters.put(name, parameter);
        return parameter;
    }

    /**
     * Registers a child module: its parameters are named {@code name.<its names>}.
     *
     * @param name  a Python identifier, e.g. {@code rnn}
     * @param child the module, of this module's precision
     * @param <M>   the child's type
     * @return the child
     * @throws IllegalArgumentException if the name is not an identifier or is taken, or the child
     *                                  computes in another precision
     */
    protected final <M extends Module<A>> M addChild(String name, M child) {
        Objects.requireNonNull(child, "child");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": a child's name must be an identifier "
                    + "(letters, digits, '_'), found '" + name + "'");
        }
        if (parameters.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": expected a new name, found '" + name
                    + "' taken already");
        }
        if (child.precision().isDouble() != precision.isDouble()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " child '" + name + "': expected "
                    + precision.name() + ", found " + child.precision().name());
        }
        children.put(name, child);
        child.setTraining(training);
        return child;
    }

    /** The precision this module computes in. */
    public final Precision<A> precision() {
        return precision;
    }

    /** The kernels of {@link #precision()}. */
    protected final Kernels<A> kernels() {
        return precision.kernels();
    }

    /** The child modules by name, in the order they were added (a read-only view). */
    public final Map<String, Module<A>> children() {
        return Collections.unmodifiableMap(children);
    }

    /**
     * Every parameter of the tree under its path, in PyTorch's {@code named_parameters()} order: this
     * module's own, then each child's in turn. A new map each call; the parameters are the module's own.
     */
    public final LinkedHashMap<String, Parameter<A>> namedParameters() {
        LinkedHashMap<String, Parameter<A>> out = new LinkedHashMap<>();
        collect("", out);
        return out;
    }

    private void collect(String prefix, Map<String, Parameter<A>> out) {
        parameters.forEach((name, p) -> out.put(prefix + name, p));
        children.forEach((name, child) -> child.collect(prefix + name + ".", out));
    }

    /** The parameters in {@link #namedParameters()} order. */
    public final List<Parameter<A>> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** The number of trainable values in the tree. */
    public final long parameterCount() {
        long n = 0;
        for (Parameter<A> p : namedParameters().values()) {
            n += p.size();
        }
        return n;
    }

    /** Sets every gradient of the tree to zero. */
    public final void zeroGrad() {
        for (Parameter<A> p : namedParameters().values()) {
            kernels().zero(p.grad(), 0, p.size());
        }
    }

    /** Whether the module is in training mode (dropout active). */
    public final boolean isTraining() {
        return training;
    }

    /**
     * Runs {@code work} with this module tree in evaluation mode, then gives the tree back the mode
     * it had, also when the work throws.
     *
     * @param work what to run, e.g. a forward pass for prediction
     * @param <T>  what it returns
     * @return what {@code work} returned
     */
    public final <T> T inEvaluation(Supplier<T> work) {
        boolean was = training;
        setTraining(false);
        try {
            return work.get();
        } finally {
            setTraining(was);
        }
    }

    /**
     * Runs {@code work} with this module tree in evaluation mode; see {@link #inEvaluation(Supplier)}.
     *
     * @param work what to run
     */
    public final void inEvaluation(Runnable work) {
        inEvaluation(() -> {
            work.run();
            return null;
        });
    }

    /**
     * Switches this module and every descendant to training ({@code true}) or evaluation mode.
     *
     * @param training the mode
     */
    public final void setTraining(boolean training) {
        this.training = training;
        for (Module<A> child : children.values()) {
            child.setTraining(training);
        }
    }

    /**
     * Every module of the tree with its path ({@code ""} for this one), parents before children.
     *
     * @return a new map
     */
    public final LinkedHashMap<String, Module<A>> namedModules() {
        LinkedHashMap<String, Module<A>> out = new LinkedHashMap<>();
        visit("", out);
        return out;
    }

    private void visit(String path, Map<String, Module<A>> out) {
        out.put(path, this);
        children.forEach((name, child) -> child.visit(path.isEmpty() ? name : path + "." + name, out));
    }

    /**
     * The modules of the tree that are instances of {@code type}, with their paths, parents first.
     * A generic module type comes back with this tree's array type:
     * {@code Map<String, SequenceLayer<A>> rnns = model.modulesOf(SequenceLayer.class)} (every module
     * of a tree computes in its precision).
     *
     * @param type the class or interface to look for, e.g. {@code SequenceLayer.class}
     * @param <M>  the type
     * @return a new map, empty if there is none
     */
    @SuppressWarnings("unchecked")
    public final <M> LinkedHashMap<String, M> modulesOf(Class<? super M> type) {
        LinkedHashMap<String, M> out = new LinkedHashMap<>();
        namedModules().forEach((path, m) -> {
            if (type.isInstance(m)) {
                out.put(path, (M) m);
            }
        });
        return out;
    }

    /**
     * Where every {@link Stochastic} module of the tree is in its random stream, by path.
     *
     * @return a new map, empty for a tree that draws nothing
     */
    public final LinkedHashMap<String, Long> randomState() {
        LinkedHashMap<String, Long> out = new LinkedHashMap<>();
        this.<Stochastic>modulesOf(Stochastic.class).forEach((path, s) -> out.put(path, s.draws()));
        return out;
    }

    /**
     * Restores {@link #randomState()}: each stochastic module continues from its saved position.
     *
     * @param state positions by path; a stochastic module it does not name is reset to 0
     * @throws IllegalArgumentException if a path names no stochastic module of the tree, or a count
     *                                  is negative
     */
    public final void setRandomState(Map<String, Long> state) {
        Map<String, Stochastic> own = modulesOf(Stochastic.class);
        for (String path : state.keySet()) {
            if (!own.containsKey(path)) {
                throw new IllegalArgumentException("random state: expected the modules that draw random numbers ("
                        + String.join(", ", own.keySet()) + "), found '" + path + "'");
            }
        }
        own.forEach((path, s) -> s.setDraws(state.getOrDefault(path, 0L)));
    }

    /**
     * A module that draws random numbers in training, counter-based: its stream is a pure function
     * of its seed and the number of draws so far, so that saving that count resumes it exactly.
     */
    public interface Stochastic {
        /** How many training passes have drawn from the stream. */
        long draws();

        /**
         * Continues the stream from a saved count.
         *
         * @param draws the count, {@code >= 0}
         */
        void setDraws(long draws);
    }

    /** The class name, e.g. {@code Linear}, for messages; subclasses describe their shape. */
    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + precision + ")";
    }
}
