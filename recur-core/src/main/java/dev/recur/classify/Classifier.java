package dev.recur.classify;

import dev.recur.checkpoint.Checkpoint;
import dev.recur.checkpoint.Manifest;
import dev.recur.checkpoint.ManifestFormat;
import dev.recur.data.Example;
import dev.recur.data.ExampleBatches;
import dev.recur.data.Normalization;
import dev.recur.io.FormatException;
import dev.recur.io.MapFields;
import dev.recur.model.Model;
import dev.recur.model.Predictions;
import dev.recur.model.Preprocessing;
import dev.recur.tensor.Precision;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A trained sequence classifier as its run folder holds it: the network (its best weights), the label
 * names, and how raw examples become its inputs (the tokenizer and vocabulary of a text model, the
 * feature standardisation of a numeric one). Not thread-safe (the network keeps its activations);
 * load one per thread.
 *
 * <p>At prediction, a token the vocabulary does not hold becomes the unknown token ({@link
 * #unknownRate} says how often), and only the first {@code maxLength} tokens or steps are read, as in
 * training.
 *
 * @param <A> the network's array type
 */
public final class Classifier<A> {

    private final Model<A> network;
    private final List<String> labels;
    private final TokenKind tokens;
    private final TokenVocabulary vocabulary;
    private final Normalization normalization;
    private final int maxLength;
    private final Map<String, Object> task;

    private Classifier(Model<A> network, List<String> labels, TokenKind tokens, TokenVocabulary vocabulary,
                       Normalization normalization, int maxLength, Map<String, Object> task) {
        this.network = network;
        this.labels = List.copyOf(labels);
        this.tokens = tokens;
        this.vocabulary = vocabulary;
        this.normalization = normalization;
        this.maxLength = maxLength;
        this.task = task;
    }

    /**
     * Loads a classifier from a run folder written by {@link Classification#train}: the best weights.
     *
     * @param run       the run folder (or its {@code checkpoint.json})
     * @param precision the precision (with its threads)
     * @param <A>       the array type
     * @return the classifier
     * @throws FormatException if the run is not a classifier's or its settings are invalid
     * @throws IOException     if it cannot be read
     */
    public static <A> Classifier<A> load(Path run, Precision<A> precision) throws IOException {
        // the kind first: another command's run has no best model to look for
        Manifest manifest = ManifestFormat.read(run);
        Preprocessing pre = manifest.preprocessing();
        Path file = manifest.file();
        if (pre.task() == null || !Classification.KIND.equals(pre.task().get("kind"))) {
            throw new FormatException(file, "the run of a classifier (preprocessing.task.kind = \"classify\")",
                    pre.task() == null ? "no task settings" : "kind \"" + pre.task().get("kind") + "\"",
                    "a run of another command, e.g. the character model of recur train or a forecaster");
        }
        if (pre.labels() == null) {
            throw new FormatException(file, "the class names (preprocessing.labels)", "none",
                    "an edited checkpoint.json");
        }
        Checkpoint.Loaded<A> loaded = Checkpoint.loadModel(run, precision, true);
        pre = loaded.preprocessing();
        try {
            return of(loaded.model(), pre.labels(), pre);
        } catch (IllegalArgumentException e) {
            throw FormatException.wrapping(file, "valid classifier settings", new IllegalArgumentException(
                    e.getMessage() + "; likely cause: an edited checkpoint.json", e));
        }
    }

    /** A classifier of a network and its preprocessing (the task settings read and checked). */
    static <A> Classifier<A> of(Model<A> network, List<String> labels, Preprocessing pre) {
        MapFields t = new MapFields("preprocessing.task", pre.task());
        int maxLength = t.integer("max_length");
        // the settings training would have refused, refused here too (an edited checkpoint)
        ClassifierSettings.builder().maxLength(maxLength).validationFraction(t.number("validation_fraction"))
                .testFraction(t.number("test_fraction")).seed(t.longValue("seed")).build();
        t.bool("balanced");
        if (new java.util.HashSet<>(labels).size() != labels.size()) {
            throw new IllegalArgumentException("preprocessing.labels: expected distinct labels, found " + labels);
        }
        if (t.text("input").equals("text")) {
            TokenVocabulary v = TokenVocabulary.of(t.texts("vocabulary"));
            if (network instanceof dev.recur.model.SequenceModel<?> m && m.config().vocabSize() != v.size()) {
                throw new IllegalArgumentException("preprocessing.task.vocabulary: expected the model's "
                        + m.config().vocabSize() + " tokens, found " + v.size());
            }
            return new Classifier<>(network, labels, TokenKind.fromId(t.text("tokens")), v, null, maxLength,
                    pre.task());
        }
        if (pre.normalization() == null) {
            throw new IllegalArgumentException("preprocessing.normalization: expected the features' statistics, "
                    + "found none");
        }
        return new Classifier<>(network, labels, null, null, pre.normalization(), maxLength, pre.task());
    }

    /** The class names (output {@code k} is {@code labels().get(k)}). */
    public List<String> labels() {
        return labels;
    }

    /** The network (its best weights). */
    public Model<A> network() {
        return network;
    }

    /**
     * The network in a few words, e.g. {@code BiLSTM 64, 1 layer, max pooling, words}.
     *
     * @return the description
     */
    public String description() {
        if (!(network instanceof dev.recur.model.SequenceModel<?> m)) {
            return network.getClass().getSimpleName();
        }
        var c = m.config();
        var r = c.rnn();
        return (r.bidirectional() ? "Bi" : "") + r.cell().id().toUpperCase(java.util.Locale.ROOT) + " "
                + r.hiddenSize() + ", " + r.numLayers() + (r.numLayers() == 1 ? " layer, " : " layers, ")
                + c.pooling().id() + " pooling" + (readsText() ? ", " + tokens.id() : "");
    }

    /** The saved task settings (JSON values): input kind, tokenizer, vocabulary, split. */
    public Map<String, Object> task() {
        return task;
    }

    /**
     * The feature columns a sequence classifier was trained on, in order (null for texts, or for
     * sequences made in memory).
     *
     * @return the names, or null
     */
    public List<String> featureColumns() {
        return task.get("features") instanceof List<?> l ? l.stream().map(String::valueOf).toList() : null;
    }

    /**
     * Whether data is the file (or folder) this classifier was trained on (the same SHA-256).
     *
     * @param data the data
     * @return true for the training data
     */
    public boolean isTrainingData(LabeledData data) {
        return data.sha256() != null && data.sha256().equals(task.get("data_sha256"));
    }

    /** Whether the classifier reads texts (else numeric sequences). */
    public boolean readsText() {
        return vocabulary != null;
    }

    /**
     * The data as the network's examples, with the label ids when {@code withLabels}.
     *
     * @param data       the data
     * @param withLabels whether to attach labels (they must all be known)
     * @return one example per item
     * @throws FormatException if a label is not one of the model's, or the data is of the other kind or
     *                         width (naming the example)
     */
    public List<Example> examples(LabeledData data, boolean withLabels) throws FormatException {
        if (withLabels && data.labels() == null) {
            throw new FormatException(data.source(), "a label for every example", "no label column",
                    "the wrong --label column");
        }
        if (data.isText() != readsText() || (!readsText() && data.width() != normalization.width())) {
            throw new FormatException(data.source(), readsText() ? "texts" : "sequences of " + normalization.width()
                    + " features", data.isText() ? "texts" : "sequences of " + data.width() + " features",
                    "data of another kind than the model was trained on");
        }
        List<String> trained = featureColumns();
        if (trained != null && data.features() != null && !trained.equals(data.features())) {
            throw new FormatException(data.source(), "the feature columns the model was trained on, in order "
                    + trained, data.features().toString(), "another file layout; name the columns with --features");
        }
        List<Example> out = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            Example.Target target = null;
            if (withLabels) {
                int k = labels.indexOf(data.labels().get(i));
                if (k < 0) {
                    throw new FormatException(data.source(), "a label the model was trained on " + labels,
                            "'" + data.labels().get(i) + "' at " + data.where().get(i),
                            "a class the training data did not have, or a typo; predict ignores labels");
                }
                target = new Example.Label(k);
            }
            out.add(example(data, i, target));
        }
        return out;
    }

    Example example(LabeledData data, int i, Example.Target target) {
        if (readsText()) {
            List<String> t = tokens.split(data.texts().get(i));
            int[] ids = t.isEmpty() ? new int[] {TokenVocabulary.UNKNOWN_ID} : vocabulary.encode(t);
            return new Example(Arrays.copyOf(ids, Math.min(ids.length, maxLength)), null, 0, target);
        }
        double[] x = data.sequences().get(i);
        int w = data.width();
        x = Arrays.copyOf(x, Math.min(x.length, maxLength * w)).clone();
        normalization.apply(x);
        return new Example(null, x, w, target);
    }

    /**
     * The share of the texts' tokens the vocabulary does not hold (0 for numeric data).
     *
     * @param data the data
     * @return the share, in [0, 1]
     */
    public double unknownRate(LabeledData data) {
        if (!readsText()) {
            return 0;
        }
        List<List<String>> all = new ArrayList<>();
        for (String s : data.texts()) {
            all.add(tokens.split(s));
        }
        return vocabulary.unknownRate(all);
    }

    /**
     * The class probabilities of every example.
     *
     * @param examples examples from {@link #examples}
     * @return {@code [example][class]}
     */
    public double[][] probabilities(List<Example> examples) {
        double[][] out = new double[examples.size()][];
        int row = 0;
        for (var batch : ExampleBatches.inOrder(examples, 256).all()) {
            for (double[] p : Predictions.probabilities(network, batch)) {
                out[row++] = p;
            }
        }
        return out;
    }

    /**
     * The most likely class of every example.
     *
     * @param examples examples from {@link #examples}
     * @return class ids
     */
    public int[] classes(List<Example> examples) {
        double[][] p = probabilities(examples);
        int[] out = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = mostLikely(p[i]);
        }
        return out;
    }

    /**
     * The most likely class of one example: the first largest probability.
     *
     * @param probabilities one row of {@link #probabilities}
     * @return the class id
     */
    public static int mostLikely(double[] probabilities) {
        int best = 0;
        for (int k = 1; k < probabilities.length; k++) {
            if (probabilities[k] > probabilities[best]) {
                best = k;
            }
        }
        return best;
    }
}
