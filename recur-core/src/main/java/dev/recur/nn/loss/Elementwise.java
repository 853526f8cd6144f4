package dev.recur.nn.loss;

import dev.recur.nn.Activations;
import dev.recur.tensor.Precision;
import java.util.function.DoubleUnaryOperator;

/**
 * The shared body of the losses of values ({@link MeanSquaredError}, {@link L1Loss},
 * {@link HuberLoss}): checks, the targets in the array's precision, the elements that count, the
 * reduction ({@link #reduce}, which {@link BinaryCrossEntropy} shares). They run serially (a loss of values is cheap next to the model), in element order.
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
        A pred = output.values();
        LossKernels<A> k = LossKernels.of(precision);
        return reduce(reduction, precision, LossInputs.count(counted, rows) * width, gradient, scale -> {
            A target = precision.fromDoubles(y);
            return switch (term) {
                case SQUARED -> k.squaredError(pred, target, rows, width, counted, scale, gradient);
                case ABSOLUTE -> k.absoluteError(pred, target, rows, width, counted, scale, gradient);
                case HUBER -> k.huberError(pred, target, rows, width, counted, delta, scale, gradient);
            };
        });
    }

    /**
     * The reduction of a loss over {@code n} counted elements: MEAN = (1/n)·Σ, so every element's
     * gradient is scaled by 1/n; with none counted, the value, the weight and the gradient are 0.
     *
     * @param reduction mean or sum
     * @param precision the precision of the gradient
     * @param n         the number of elements that count
     * @param gradient  the gradient, or null; zeroed when none count
     * @param sumAt     the sum over the counted elements, writing the gradient scaled by its argument
     * @return the reduced loss
     */
    static <A> LossValue reduce(Reduction reduction, Precision<A> precision, int n, A gradient,
                                DoubleUnaryOperator sumAt) {
        if (n == 0) {
            LossInputs.zero(precision, gradient);
            return new LossValue(0, 0, reduction);
        }
        double sum = sumAt.applyAsDouble(reduction == Reduction.MEAN ? 1.0 / n : 1);
        return new LossValue(reduction == Reduction.MEAN ? sum / n : sum, n, reduction);
    }
}
