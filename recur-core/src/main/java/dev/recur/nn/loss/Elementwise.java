package dev.recur.nn.loss;

import dev.recur.nn.Activations;
import dev.recur.tensor.Precision;

/**
 * The shared body of the losses of values ({@link MeanSquaredError}, {@link L1Loss},
 * {@link HuberLoss}): checks, the targets in the array's precision, the elements that count, the
 * reduction. They run serially (a loss of values is cheap next to the model), in element order.
 */
final class Elementwise {

    /** Which per-element term. */
    enum Term {
        /** {@code (p − y)²}. */
        SQUARED,
        /** {@code |p − y|}. */
        ABSOLUTE,
        /** Huber's {@code h(p − y)} with a threshold. */
        HUBER
    }

    private Elementwise() {
    }

    /**
     * The reduced loss over the elements of the rows that count ({@code n} = counted rows × width).
     *
     * @param name      the loss's name, for messages
     * @param term      the per-element term
     * @param delta     Huber's threshold (unused otherwise)
     * @param reduction MEAN divides the sum by {@code n}
     * @see Loss#compute
     */
    static <A> LossValue compute(String name, Term term, double delta, Reduction reduction, Precision<A> precision,
                                 Activations<A> output, Targets targets, A gradient) {
        LossInputs.check(name, precision, output, targets, gradient);
        double[] y = LossInputs.values(name, targets, output);
        final int rows = output.rows();
        final int width = output.width();
        boolean[] counted = LossInputs.unpadded(output);
        int n = LossInputs.count(counted, rows) * width;
        if (n == 0) {
            LossInputs.zero(precision, gradient);
            return new LossValue(0, 0, reduction);
        }
        A target = precision.fromDoubles(y);
        A pred = output.values();
        LossKernels<A> k = LossKernels.of(precision);
        // MEAN = (1/n)·Σ term, so every element's gradient is scaled by 1/n
        double scale = reduction == Reduction.MEAN ? 1.0 / n : 1;
        double sum = switch (term) {
            case SQUARED -> k.squaredError(pred, target, rows, width, counted, scale, gradient);
            case ABSOLUTE -> k.absoluteError(pred, target, rows, width, counted, scale, gradient);
            case HUBER -> k.huberError(pred, target, rows, width, counted, delta, scale, gradient);
        };
        return new LossValue(reduction == Reduction.MEAN ? sum / n : sum, n, reduction);
    }
}
