package dev.recur.optim;

import dev.recur.nn.Parameter;
import java.util.Collection;

/**
 * Gradient clipping, as PyTorch 1.13's {@code torch.nn.utils.clip_grad_norm_} (2-norm) and
 * {@code clip_grad_value_}. Both act on {@link Parameter#grad()} in place.
 *
 * <p>Stateless, but each call reads and writes the parameters' gradients: do not compute or change
 * them from another thread meanwhile.
 */
public final class GradientClipping {

    /** Added to the total norm in the clipping coefficient, as PyTorch does. */
    private static final double NORM_EPS = 1e-6;

    private GradientClipping() {
    }

    /**
     * The 2-norm of all gradients together, computed as PyTorch does: the 2-norm of the vector of
     * per-tensor 2-norms (sums of squares accumulated in float64 in both precisions).
     */
    public static <A> double globalNorm(Collection<Parameter<A>> params) {
        double sumOfNormSquares = 0;
        for (Parameter<A> p : params) {
            OptimKernels<A> k = OptimKernels.forArray(p.grad());
            double norm = Math.sqrt(k.sumOfSquares(p.grad(), p.size()));
            sumOfNormSquares += norm * norm;
        }
        return Math.sqrt(sumOfNormSquares);
    }

    /**
     * Scales all gradients so that their global 2-norm is at most {@code maxNorm}:
     * <pre>
     * total = ‖(‖g_1‖₂, ‖g_2‖₂, …)‖₂
     * coef  = min(maxNorm / (total + 1e-6), 1)
     * g_p  *= coef    for every p   (a multiplication by exactly 1 when not clipping)
     * </pre>
     * If {@code total} is NaN or infinite the gradients are left unchanged (PyTorch would multiply
     * them by NaN) and the non-finite total is returned, so the caller can skip the step. Modifies
     * every parameter's gradient.
     *
     * @param params  the parameters whose gradients are clipped together
     * @param maxNorm the largest allowed norm, finite and {@code > 0}
     * @return the total norm <em>before</em> clipping (PyTorch's return value)
     */
    public static <A> double clipByGlobalNorm(Collection<Parameter<A>> params, double maxNorm) {
        if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) {
            throw new IllegalArgumentException("max_norm must be a finite number > 0, found " + maxNorm);
        }
        double total = globalNorm(params);
        if (!Double.isFinite(total)) {
            return total;
        }
        double coef = Math.min(maxNorm / (total + NORM_EPS), 1.0);
        for (Parameter<A> p : params) {
            OptimKernels.forArray(p.grad()).scale(p.grad(), p.size(), coef);
        }
        return total;
    }

    /**
     * Clamps every gradient element into {@code [−clipValue, clipValue]}, as PyTorch's
     * {@code clip_grad_value_}. Modifies every parameter's gradient.
     *
     * @param clipValue finite and {@code > 0}
     */
    public static <A> void clipByValue(Collection<Parameter<A>> params, double clipValue) {
        if (!(clipValue > 0) || Double.isInfinite(clipValue)) {
            throw new IllegalArgumentException("clip value must be a finite number > 0, found " + clipValue);
        }
        for (Parameter<A> p : params) {
            OptimKernels.forArray(p.grad()).clamp(p.grad(), p.size(), -clipValue, clipValue);
        }
    }
}
