package dev.recur.optim;

import dev.recur.nn.Parameter;
import dev.recur.tensor.Precision;
import java.util.List;
import java.util.Map;

/**
 * AdamW, exactly as PyTorch 1.13's {@code torch.optim.AdamW} (single-tensor implementation): Adam
 * with decoupled weight decay, applied to the parameter before the moment updates, which use the
 * un-decayed gradient. Per element, at step {@code s = 1, 2, …}:
 * <pre>
 * g = −g                                  if maximize
 * p = p · (1 − lr·wd)
 * m = β1·m + (1−β1)·g;   v = β2·v + (1−β2)·g²;   v̂ = max(v̂, v) if amsgrad
 * p = p − (lr / (1−β1^s)) · m / (√v / √(1−β2^s) + eps)
 * </pre>
 * State as {@link Adam}. Build the config with {@link AdamConfig#adamW()} for PyTorch's AdamW
 * defaults (weight decay 0.01).
 *
 * <p>Not thread-safe: {@code step} updates the parameters and the optimizer's state in place; one
 * step at a time, and not while the gradients are being computed.
 *
 * @param <A> the array type
 */
public final class AdamW<A> extends BaseOptimizer<A> {

    private final AdamConfig config;

    /**
     * @param precision the precision of the parameters
     * @param params    the parameters, named (the names label the exported state)
     * @param config    the hyper-parameters (e.g. {@code AdamConfig.adamW().lr(0.01).build()})
     */
    public AdamW(Precision<A> precision, Map<String, Parameter<A>> params, AdamConfig config) {
        super("adamw", precision, params, config.lr(), Adam.slots(config));
        this.config = config;
    }

    /** The hyper-parameters given at construction (the current learning rate is {@link #learningRate()}). */
    public AdamConfig config() {
        return config;
    }

    @Override
    void update(Parameter<A> p, List<A> slots, long step, double lr) {
        kernels.adam(p.value(), p.grad(), slots.get(0), slots.get(1), config.amsgrad() ? slots.get(2) : null,
                p.size(), step, lr, config, true);
    }
}
