package dev.recur.optim;

import dev.recur.nn.Parameter;
import dev.recur.tensor.Precision;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * RMSprop, exactly as PyTorch 1.13's {@code torch.optim.RMSprop} (single-tensor implementation).
 * Per element, with gradient {@code g}:
 * <pre>
 * g = −g                                  if maximize
 * g = g + wd·p                            if weight_decay ≠ 0
 * v = α·v + (1−α)·g²
 * avg = √(v − ḡ²) + eps  with ḡ = α·ḡ + (1−α)·g   if centered
 * avg = √v + eps                                   otherwise     (eps outside the root)
 * buf = μ·buf + g/avg;  p = p − lr·buf             if momentum μ > 0
 * p = p − lr·g/avg                                 otherwise
 * </pre>
 * State: {@code square_avg}, plus {@code momentum_buffer} with momentum and {@code grad_avg} when
 * centered, per parameter.
 *
 * <p>Not thread-safe: {@code step} updates the parameters and the optimizer's state in place; one
 * step at a time, and not while the gradients are being computed.
 *
 * @param <A> the array type
 */
public final class RMSprop<A> extends BaseOptimizer<A> {

    private final RMSpropConfig config;

    /**
     * @param precision the precision of the parameters
     * @param params    the parameters, named (the names label the exported state)
     * @param config    the hyper-parameters
     */
    public RMSprop(Precision<A> precision, Map<String, Parameter<A>> params, RMSpropConfig config) {
        super("rmsprop", precision, params, config.lr(), slots(config));
        this.config = config;
    }

    private static List<String> slots(RMSpropConfig config) {
        List<String> s = new ArrayList<>(List.of("square_avg"));
        if (config.momentum() > 0) {
            s.add("momentum_buffer");
        }
        if (config.centered()) {
            s.add("grad_avg");
        }
        return s;
    }

    /** The hyper-parameters given at construction (the current learning rate is {@link #learningRate()}). */
    public RMSpropConfig config() {
        return config;
    }

    @Override
    void update(Parameter<A> p, List<A> slots, long step, double lr) {
        int i = 1;
        A buf = config.momentum() > 0 ? slots.get(i++) : null;
        A gradAvg = config.centered() ? slots.get(i) : null;
        kernels.rmsprop(p.value(), p.grad(), slots.get(0), gradAvg, buf, p.size(), lr, config);
    }
}
