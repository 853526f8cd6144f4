package dev.recur.optim;

import dev.recur.nn.Parameter;
import dev.recur.tensor.Precision;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with optional momentum, exactly as PyTorch 1.13's
 * {@code torch.optim.SGD} (single-tensor implementation). Per element, with gradient {@code g}:
 * <pre>
 * g = −g                                  if maximize
 * g = g + wd·p                            if weight_decay ≠ 0
 * buf = g  (first step)  |  μ·buf + (1−τ)·g   if momentum μ ≠ 0 (τ = dampening)
 * d = g + μ·buf  if nesterov,  buf  otherwise   (d = g without momentum)
 * p = p − lr·d
 * </pre>
 * State: {@code momentum_buffer} per parameter when {@code momentum ≠ 0}.
 *
 * <p>Not thread-safe: {@code step} updates the parameters and the optimizer's state in place; one
 * step at a time, and not while the gradients are being computed.
 *
 * @param <A> the array type
 */
public final class Sgd<A> extends BaseOptimizer<A> {

    private final SgdConfig config;

    /**
     * @param precision the precision of the parameters
     * @param params    the parameters, named (the names label the exported state)
     * @param config    the hyper-parameters; {@code config.lr()} is the initial learning rate
     */
    public Sgd(Precision<A> precision, Map<String, Parameter<A>> params, SgdConfig config) {
        super("sgd", precision, params, config.lr(),
                config.momentum() != 0 ? List.of("momentum_buffer") : List.of());
        this.config = config;
    }

    /** The hyper-parameters given at construction (the current learning rate is {@link #learningRate()}). */
    public SgdConfig config() {
        return config;
    }

    @Override
    void update(Parameter<A> p, List<A> slots, long step, double lr) {
        A buf = slots.isEmpty() ? null : slots.get(0);
        kernels.sgd(p.value(), p.grad(), buf, p.size(), step == 1, lr, config);
    }
}
