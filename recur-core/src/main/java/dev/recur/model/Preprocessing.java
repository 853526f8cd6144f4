package dev.recur.model;

import dev.recur.data.Example;
import dev.recur.data.Normalization;
import dev.recur.data.Vocabulary;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What prediction needs besides the weights, saved with a model: how raw data becomes its inputs
 * and how its outputs become answers. Each part is null where it does not apply.
 *
 * <p>Immutable and thread-safe: the vocabulary and normalization are immutable, the list and map
 * unmodifiable copies.
 *
 * @param vocabulary    the tokens of a text model (token id = index)
 * @param normalization the standardisation of numeric features, fitted on the training data
 * @param labels        the names of the classes (output {@code k} is class {@code labels[k]})
 * @param task          the settings of the task that made the model (e.g. a forecaster's columns,
 *                      window and horizon; a classifier's tokenizer), as JSON values, read and
 *                      checked by that task's own typed record; unmodifiable
 */
public record Preprocessing(Vocabulary vocabulary, Normalization normalization, List<String> labels,
                            Map<String, Object> task) {

    /** Nothing: a model whose inputs and outputs are used as they are. */
    public static final Preprocessing NONE = new Preprocessing(null, null, null);

    /**
     * Keeps copies of the labels and the task settings.
     *
     * @param vocabulary    the vocabulary, or null
     * @param normalization the normalisation, or null
     * @param labels        the class names, or null
     * @param task          the task's settings, or null
     */
    public Preprocessing {
        labels = labels == null ? null : List.copyOf(labels);
        task = task == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(task));
    }

    /**
     * Preprocessing without task settings.
     *
     * @param vocabulary    the vocabulary, or null
     * @param normalization the normalisation, or null
     * @param labels        the class names, or null
     */
    public Preprocessing(Vocabulary vocabulary, Normalization normalization, List<String> labels) {
        this(vocabulary, normalization, labels, null);
    }

    /**
     * This preprocessing with other task settings.
     *
     * @param settings the task's settings (JSON values), or null
     * @return the new preprocessing
     */
    public Preprocessing withTask(Map<String, Object> settings) {
        return new Preprocessing(vocabulary, normalization, labels, settings);
    }

    /**
     * Examples as the model takes them: their features standardised by the saved normalisation,
     * when there is one (the given examples are not modified).
     *
     * @param examples raw examples
     * @return the examples to batch
     * @throws IllegalArgumentException if the examples do not have the normalisation's features
     */
    public List<Example> prepare(List<Example> examples) {
        return normalization == null ? List.copyOf(examples) : normalization.apply(examples);
    }

    /**
     * The name of class {@code k}: its label when the run saved label names, else the number.
     *
     * @param k a class id, e.g. from {@link Predictions#classes}
     * @return the name
     * @throws IllegalArgumentException if there are labels and {@code k} is not one of them
     */
    public String label(int k) {
        if (labels == null) {
            return Integer.toString(k);
        }
        if (k < 0 || k >= labels.size()) {
            throw new IllegalArgumentException("class " + k + ": expected 0.." + (labels.size() - 1) + " (one per label)");
        }
        return labels.get(k);
    }

    /**
     * A character model's: its vocabulary.
     *
     * @param vocabulary the vocabulary
     * @return the preprocessing
     */
    public static Preprocessing of(Vocabulary vocabulary) {
        return new Preprocessing(vocabulary, null, null);
    }
}
