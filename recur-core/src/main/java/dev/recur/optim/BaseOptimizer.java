package dev.recur.optim;

import dev.recur.nn.Parameter;
import dev.recur.tensor.Kernels;
import dev.recur.tensor.Precision;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What every optimizer shares: the named parameters, the learning rate, the step count, and the
 * per-parameter state arrays ("slots", each shaped like its parameter and zero at the start), kept
 * in an identity map from parameter to slots. Subclasses name their slots and apply the update.
 *
 * @param <A> the array type
 */
abstract class BaseOptimizer<A> implements Optimizer<A> {

    final Precision<A> precision;
    final OptimKernels<A> kernels;
    private final Map<String, Parameter<A>> params;
    /** Per parameter: its slots, in the order of {@link #slotNames()}. */
    private final IdentityHashMap<Parameter<A>, List<A>> state = new IdentityHashMap<>();
    private final String name;
    private final List<String> slotNames;
    private double lr;
    private long steps;

    BaseOptimizer(String name, Precision<A> precision, Map<String, Parameter<A>> params, double lr,
                  List<String> slotNames) {
        if (params == null || params.isEmpty()) {
            throw new IllegalArgumentException(name + ": expected at least one parameter, found none");
        }
        this.name = name;
        this.precision = precision;
        Kernels<A> k = precision.kernels();
        this.kernels = OptimKernels.forArray(k.alloc(0));
        this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        this.slotNames = List.copyOf(slotNames);
        for (Map.Entry<String, Parameter<A>> e : this.params.entrySet()) {
            Parameter<A> p = e.getValue();
            if (p == null) {
                throw new IllegalArgumentException(name + ": parameter '" + e.getKey() + "' is null");
            }
            if (k.length(p.value()) != p.size() || !k.alloc(0).getClass().isInstance(p.value())) {
                throw new IllegalArgumentException(name + ": parameter '" + e.getKey() + "' is not a " + precision.name()
                        + " parameter; likely cause: an optimizer created with another precision than the model");
            }
            List<A> slots = new ArrayList<>(this.slotNames.size());
            for (int i = 0; i < this.slotNames.size(); i++) {
                slots.add(k.alloc(p.size()));
            }
            if (state.put(p, slots) != null) {
                throw new IllegalArgumentException(name + ": parameter '" + e.getKey()
                        + "' is given twice (under another name too); each parameter must appear once");
            }
        }
        setLearningRate(lr);
    }

    /** The PyTorch state keys of the slots every parameter has, e.g. {@code exp_avg}. */
    final List<String> slotNames() {
        return slotNames;
    }

    /** Applies step number {@code step} (1-based) to {@code p}, whose slots are {@code slots}. */
    abstract void update(Parameter<A> p, List<A> slots, long step, double lr);

    @Override
    public final void step() {
        long s = steps + 1;
        for (Parameter<A> p : params.values()) {
            update(p, state.get(p), s, lr);
        }
        steps = s;
    }

    @Override
    public final void zeroGrad() {
        Kernels<A> k = precision.kernels();
        for (Parameter<A> p : params.values()) {
            k.zero(p.grad(), 0, p.size());
        }
    }

    @Override
    public final double learningRate() {
        return lr;
    }

    @Override
    public final void setLearningRate(double lr) {
        Checks.learningRate(lr);
        this.lr = lr;
    }

    @Override
    public final long stepCount() {
        return steps;
    }

    @Override
    public final Map<String, Parameter<A>> parameters() {
        return params;
    }

    @Override
    public final OptimizerState exportState() {
        List<OptimizerState.Entry> out = new ArrayList<>();
        for (Map.Entry<String, Parameter<A>> e : params.entrySet()) {
            List<A> slots = state.get(e.getValue());
            for (int i = 0; i < slotNames.size(); i++) {
                out.add(new OptimizerState.Entry(e.getKey() + "." + slotNames.get(i), e.getValue().shape(),
                        precision.toDoubles(slots.get(i))));
            }
        }
        return new OptimizerState(name, steps, out);
    }

    @Override
    public final void importState(OptimizerState s) {
        if (!name.equals(s.optimizer())) {
            throw new IllegalArgumentException("optimizer state: expected the state of " + name + ", found the state of "
                    + s.optimizer() + "; likely cause: a checkpoint written with another optimizer");
        }
        Map<String, OptimizerState.Entry> given = new LinkedHashMap<>();
        for (OptimizerState.Entry e : s.arrays()) {
            if (given.put(e.name(), e) != null) {
                throw new IllegalArgumentException("optimizer state: array '" + e.name() + "' appears twice");
            }
        }
        List<String> expected = new ArrayList<>();
        for (Map.Entry<String, Parameter<A>> e : params.entrySet()) {
            for (String slot : slotNames) {
                expected.add(e.getKey() + "." + slot);
            }
        }
        if (!given.keySet().equals(new java.util.HashSet<>(expected))) {
            List<String> missing = new ArrayList<>(expected);
            missing.removeAll(given.keySet());
            List<String> extra = new ArrayList<>(given.keySet());
            extra.removeAll(expected);
            throw new IllegalArgumentException("optimizer state: expected the arrays " + expected + "; missing "
                    + missing + ", unexpected " + extra
                    + "; likely cause: a checkpoint of another model, or of the optimizer with other options");
        }
        // check everything before changing anything
        for (Map.Entry<String, Parameter<A>> e : params.entrySet()) {
            for (String slot : slotNames) {
                OptimizerState.Entry a = given.get(e.getKey() + "." + slot);
                if (!Arrays.equals(a.shape(), e.getValue().shape())) {
                    throw new IllegalArgumentException("optimizer state '" + a.name() + "': expected shape "
                            + Arrays.toString(e.getValue().shape()) + " (that of the parameter), found "
                            + Arrays.toString(a.shape()) + "; likely cause: a checkpoint of a model of another size");
                }
            }
        }
        Kernels<A> k = precision.kernels();
        for (Map.Entry<String, Parameter<A>> e : params.entrySet()) {
            List<A> slots = state.get(e.getValue());
            for (int i = 0; i < slotNames.size(); i++) {
                A values = precision.fromDoubles(given.get(e.getKey() + "." + slotNames.get(i)).values());
                k.copy(values, 0, slots.get(i), 0, e.getValue().size());
            }
        }
        steps = s.steps();
    }

    @Override
    public final Optional<String> firstNonFinite() {
        Kernels<A> k = precision.kernels();
        for (Map.Entry<String, Parameter<A>> e : params.entrySet()) {
            Parameter<A> p = e.getValue();
            int bad = k.firstNonFinite(p.value(), 0, p.size());
            if (bad >= 0) {
                return Optional.of("parameter " + e.getKey() + Parameter.index(p.shape(), bad) + " = "
                        + precision.get(p.value(), bad));
            }
            List<A> slots = state.get(p);
            for (int i = 0; i < slotNames.size(); i++) {
                bad = k.firstNonFinite(slots.get(i), 0, p.size());
                if (bad >= 0) {
                    return Optional.of("optimizer state " + e.getKey() + "." + slotNames.get(i)
                            + Parameter.index(p.shape(), bad) + " = " + precision.get(slots.get(i), bad));
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return name + "(lr=" + lr + ", steps=" + steps + ", " + params.size() + " parameters, " + precision + ")";
    }
}
