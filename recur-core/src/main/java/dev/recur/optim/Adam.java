package dev.recur.optim;

import dev.recur.nn.Parameter;
import dev.recur.tensor.Precision;
import java.util.List;
import java.util.Map;

/**
 * Adam, exactly as PyTorch 1.13's {@code torch.optim.Adam} (single-tensor implementation). Per
 * element, at step {@code s = 1, 2, …}, with gradient {@code g}:
 * <pre>
 * g = −g                                  if maximize
 * g = g + wd·p                            if weight_decay ≠ 0 (an L2 term; see {@link AdamW} for decoupled decay)
 * m = β1·m + (1−β1)·g
 * v = β2·v + (1−β2)·g²
 * v̂ = max(v̂, v)  and use v̂ for v below   if amsgrad
 * p = p − (lr / (1−β1^s)) · m / (√v / √(1−β2^s) + eps)
 * </pre>
 * State: {@code exp_avg}, {@code exp_avg_sq} and, with AMSGrad, {@code max_exp_avg_sq} per
 * parameter; the step count.
 *
 * <p>Not thread-safe: {@code step} updates the parameters and the optimizer's state in place; one
 * step at a time, and not while the gradients are being computed.
 *
 * @param <A> the array type
 */
public final class Adam<A> extends BaseOptimizer<A> {

    private final AdamConfig config;

    /**
     * @param precision the precision of the parameters
     * @param params    the parameters, named (the names label the exported state)
     * @param config    the hyper-parameters (e.g. {@code AdamConfig.adam().lr(0.01).build()})
     */
    public Adam(Precision<A> precision, Map<String, Parameter<A>> params, AdamConfig config) {
        super("adam", precision, params, config.lr(), slots(config));
        this.config = config;
    }

    /** The state keys of each parameter: moments, and the running maximum with AMSGrad. */
    static List<String> slots(AdamConfig config) {
        return config.amsgrad() ? List.of("exp_avg", "exp_avg_sq", "max_exp_avg_sq") : List.of("exp_avg", "exp_avg_sq");
    }

    /** The hyper-parameters given at construction (the current learning rate is {@link #learningRate()}). */
    public AdamConfig config() {
        return config;
    }

    @Override
    void update(Parameter<A> p, List<A> slots, long step, double lr) {
        kernels.adam(p.value(), p.grad(), slots.get(0), slots.get(1), config.amsgrad() ? slots.get(2) : null,
                p.size(), step, lr, config, false);
    }
}
