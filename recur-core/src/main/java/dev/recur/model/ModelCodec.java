package dev.recur.model;

import dev.recur.tensor.Precision;
import java.util.Map;

/**
 * How a checkpoint records and rebuilds one kind of {@link Model}: its type name, its configuration
 * as JSON-compatible values, and a factory that builds a model of that configuration (whose
 * parameters the checkpoint then loads by their {@code state_dict} names). Register a codec for a
 * custom model with {@link ModelCodecs#register}.
 *
 * <p>A codec is registered once and shared, so it must be thread-safe; recur's own is stateless.
 */
public interface ModelCodec {

    /** The type name a checkpoint records, e.g. {@code sequence_model}. */
    String type();

    /**
     * Whether this codec describes {@code model}.
     *
     * @param model a model
     * @return whether {@link #config} takes it
     */
    boolean handles(Model<?> model);

    /**
     * The configuration of a model this codec {@link #handles}.
     *
     * @param model the model
     * @return JSON-compatible values (maps, lists, strings, numbers, booleans, null)
     */
    Map<String, Object> config(Model<?> model);

    /**
     * Builds a model of a recorded configuration, its parameters freshly initialised.
     *
     * @param config    what {@link #config} returned, read back
     * @param precision the precision to compute in
     * @param seed      seeds the initial values and any dropout
     * @param <A>       the array type
     * @return the model
     * @throws IllegalArgumentException naming a setting that is missing or invalid
     */
    <A> Model<A> create(Map<String, ?> config, Precision<A> precision, long seed);

    /**
     * The number of parameters a model of {@code config} has, computed without building it, so that a
     * checkpoint whose configuration claims more weights than its file holds is refused before
     * anything is allocated; -1 (the default) when the codec cannot tell.
     *
     * @param config what {@link #config} returned
     * @return the count, or -1
     * @throws IllegalArgumentException naming a setting that is missing or invalid
     */
    default long parameterCount(Map<String, ?> config) {
        return -1;
    }

    /**
     * Checks that the preprocessing saved beside a model of {@code config} fits it: called before a
     * checkpoint is written and when one is read. Every part is optional; the default accepts any.
     *
     * @param config        what {@link #config} returned
     * @param preprocessing what prediction needs besides the weights
     * @throws IllegalArgumentException naming the part that does not fit, what was expected and what was found
     */
    default void checkPreprocessing(Map<String, ?> config, Preprocessing preprocessing) {
    }
}
