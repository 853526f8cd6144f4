package dev.recur.classify;

import dev.recur.data.Batch;
import dev.recur.data.Example;
import dev.recur.model.Model;
import dev.recur.nn.Activations;
import dev.recur.nn.Linear;
import dev.recur.tensor.Precision;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The linear baseline of sequence classification: multinomial logistic regression on one feature
 * vector per sequence ({@link NgramFeatures} of a text, {@link SummaryFeatures} of a numeric
 * sequence), built from recur's own {@link Linear} layer so that the one {@link dev.recur.train.Trainer},
 * {@link dev.recur.data.ExampleBatches}, {@link dev.recur.nn.loss.CrossEntropy} and the optimizers
 * train it unchanged.
 *
 * <p>Its input is a {@link Batch} of numeric features of one step ({@code T = 1}, {@code F = D}):
 * each example is {@link #example(double[], int)}, i.e.
 * {@code Example.ofFeatures(new double[][] {vector}, new Example.Label(k))}. Its output is one row
 * of {@code K} logits per sequence:
 * <pre>
 * logits[B, K] = x[B, D] · Wᵀ + b       (the batch's [1, B, D] features read as [B, D])
 * </pre>
 * Its one child is {@code linear}, so the {@code state_dict} names are {@code linear.weight [K, D]}
 * and {@code linear.bias [K]}; it is initialised as PyTorch's {@code nn.Linear}, from
 * U(−1/√D, 1/√D).
 *
 * <p>Not thread-safe: one forward/backward at a time.
 *
 * @param <A> the array type ({@code double[]} or {@code float[]})
 */
public final class LinearClassifier<A> extends Model<A> {

    private final Linear<A> linear;

    private LinearClassifier(Precision<A> precision, Linear<A> linear) {
        super(precision);
        this.linear = addChild("linear", linear);
    }

    /**
     * A model with freshly initialised parameters.
     *
     * @param precision {@link Precision#F64} or {@link Precision#F32}
     * @param inputs    {@code D}: the width of the feature vectors, {@code >= 1}
     * @param classes   {@code K}: the number of classes, {@code >= 2}
     * @param seed      seeds the initial weights
     * @param <A>       the array type
     * @return the model, in training mode
     * @throws IllegalArgumentException for a width or class count out of range
     */
    public static <A> LinearClassifier<A> create(Precision<A> precision, int inputs, int classes, long seed) {
        Objects.requireNonNull(precision, "precision");
        if (inputs < 1) {
            throw new IllegalArgumentException("linear classifier inputs: expected a feature width D >= 1, found "
                    + inputs);
        }
        if (classes < 2) {
            throw new IllegalArgumentException("linear classifier classes: expected K >= 2, found " + classes
                    + "; likely cause: training labels that are all the same class");
        }
        return new LinearClassifier<>(precision, Linear.create(precision, inputs, classes, true,
                new SplittableRandom(seed)));
    }

    /**
     * An example this model reads: one step holding the whole feature vector.
     *
     * @param vector the features, {@code D} values
     * @param label  the class id, {@code >= 0}
     * @return the example (the vector is copied)
     */
    public static Example example(double[] vector, int label) {
        return Example.ofFeatures(new double[][] {vector}, new Example.Label(label));
    }

    /**
     * An example without a target, to predict.
     *
     * @param vector the features, {@code D} values
     * @return the example (the vector is copied)
     */
    public static Example example(double[] vector) {
        return Example.ofFeatures(new double[][] {vector}, null);
    }

    /** The linear layer, {@code [K, D]} weight and {@code [K]} bias. */
    public Linear<A> linear() {
        return linear;
    }

    /** {@code D}: the width of the feature vectors. */
    public int inputs() {
        return linear.inFeatures();
    }

    /** {@code K}: the number of classes. */
    public int classes() {
        return linear.outFeatures();
    }

    /**
     * The logits of a batch of feature vectors.
     *
     * @param batch {@code T = 1} step of {@code D} numeric features per sequence
     * @return {@code [B, K]} logits
     * @throws IllegalArgumentException for token ids, another width, or more than one step
     */
    @Override
    public Activations<A> forward(Batch batch) {
        Objects.requireNonNull(batch, "batch");
        if (batch.tokens() != null) {
            throw new IllegalArgumentException("linear classifier input: expected numeric features only, found token "
                    + "ids; likely cause: a text data set given without turning it into n-gram features");
        }
        if (batch.featureWidth() != inputs()) {
            throw new IllegalArgumentException("linear classifier input: expected " + inputs() + " features, found "
                    + batch.featureWidth() + "; likely cause: features of another fit than the model's");
        }
        if (batch.steps() != 1) {
            throw new IllegalArgumentException("linear classifier input: expected one step per sequence (T = 1), "
                    + "found T = " + batch.steps() + "; likely cause: examples not built with "
                    + "LinearClassifier.example (one step holding the whole vector)");
        }
        // x[B, D]: with T = 1, row t·B + b of [1, B, D] is row b
        Activations<A> x = Activations.perSequence(precision().fromDoubles(batch.features()), batch.batch(),
                inputs());
        // logits = x Wᵀ + b                                     [B, K]
        return linear.forward(x);
    }

    /**
     * Back-propagates the logits' gradient into {@code linear.weight} and {@code linear.bias}
     * (the input is data: its gradient is dropped).
     *
     * @param outputGradient {@code [B, K]}
     */
    @Override
    public void backward(Activations<A> outputGradient) {
        // logits = x Wᵀ + b:  dW += dlogitsᵀ x,  db += Σ_rows dlogits
        linear.backward(outputGradient);
    }

    /** The model in words, e.g. {@code a linear classifier with D=500 features, 3 classes}. */
    @Override
    public String toString() {
        return "a linear classifier with D=" + inputs() + " features, " + classes() + " classes";
    }
}
