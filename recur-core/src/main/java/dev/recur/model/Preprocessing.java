package dev.recur.model;

import dev.recur.data.Normalization;
import dev.recur.data.Vocabulary;
import java.util.List;

/**
 * What prediction needs besides the weights, saved with a model: how raw data becomes its inputs
 * and how its outputs become answers. Each part is null where it does not apply.
 *
 * @param vocabulary    the tokens of a text model (token id = index)
 * @param normalization the standardisation of numeric features, fitted on the training data
 * @param labels        the names of the classes (output {@code k} is class {@code labels[k]})
 */
public record Preprocessing(Vocabulary vocabulary, Normalization normalization, List<String> labels) {

    /** Nothing: a model whose inputs and outputs are used as they are. */
    public static final Preprocessing NONE = new Preprocessing(null, null, null);

    /**
     * Keeps a copy of the labels.
     *
     * @param vocabulary    the vocabulary, or null
     * @param normalization the normalisation, or null
     * @param labels        the class names, or null
     */
    public Preprocessing {
        labels = labels == null ? null : List.copyOf(labels);
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
