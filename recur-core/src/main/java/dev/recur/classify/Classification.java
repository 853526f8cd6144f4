package dev.recur.classify;

import dev.recur.Version;
import dev.recur.checkpoint.Checkpoint;
import dev.recur.checkpoint.Provenance;
import dev.recur.checkpoint.RunWriter;
import dev.recur.data.Example;
import dev.recur.data.ExampleBatches;
import dev.recur.data.Normalization;
import dev.recur.io.FormatException;
import dev.recur.model.Preprocessing;
import dev.recur.model.SequenceModel;
import dev.recur.model.SequenceModelConfig;
import dev.recur.nn.loss.CrossEntropy;
import dev.recur.nn.loss.Metric;
import dev.recur.tensor.Precision;
import dev.recur.train.EarlyStopping;
import dev.recur.train.OptimizerChoice;
import dev.recur.train.TrainConfig;
import dev.recur.train.Trainer;
import dev.recur.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Sequence classification of a user's data: texts (characters or words as tokens) or numeric
 * sequences, a recurrent network trained by the one {@link Trainer} with early stopping, measured on
 * held-out test examples beside two baselines — the majority class, and a linear model on
 * bag-of-n-gram counts (texts) or summary features (sequences) trained with recur's own layers.
 *
 * <p>The split is stratified and seeded: each class's examples are shuffled and its first
 * {@code testFraction} go to test, the next {@code validationFraction} to validation (at least one
 * each), the rest train; the same file and seed give the same split in {@link #evaluate}. The library
 * never prints.
 *
 * <p>Stateless: calls share nothing, so calls on different models and data may run at once; a model
 * itself is not thread-safe.
 */
public final class Classification {

    /** The task kind saved in a classifier's run ({@code preprocessing.task.kind}). */
    public static final String KIND = "classify";

    /** The most epochs of the linear baseline. */
    private static final int BASELINE_EPOCHS = 100;
    /** The epochs of the linear baseline when no class has a validation example to stop on. */
    private static final int BASELINE_EPOCHS_WITHOUT_VALIDATION = 20;
    /** Validations without a lower loss before the linear baseline stops. */
    private static final int BASELINE_PATIENCE = 3;

    private Classification() {
    }

    /**
     * The parts of a stratified split: indices into the data.
     *
     * @param train      training examples
     * @param validation validation examples
     * @param test       test examples
     */
    public record Split(int[] train, int[] validation, int[] test) {
    }

    /**
     * Splits labelled data by class, seeded.
     *
     * @param data               the data, with labels
     * @param validationFraction the validation share of each class
     * @param testFraction       the test share of each class
     * @param seed               the seed
     * @return the split
     * @throws FormatException if a label occurs only once (naming where), or the data has no labels or
     *                         fewer than two classes
     */
    public static Split split(LabeledData data, double validationFraction, double testFraction, long seed)
            throws FormatException {
        if (data.labels() == null) {
            throw new FormatException(data.source(), "a label for every example", "no labels",
                    "the label column or folders missing");
        }
        Map<String, List<Integer>> byLabel = new LinkedHashMap<>();
        for (String l : new TreeSet<>(data.labels())) {
            byLabel.put(l, new ArrayList<>());
        }
        for (int i = 0; i < data.size(); i++) {
            byLabel.get(data.labels().get(i)).add(i);
        }
        if (byLabel.size() < 2) {
            throw new FormatException(data.source(), "at least two labels", byLabel.size() + " ("
                    + String.join(", ", byLabel.keySet()) + ")", "the wrong label column");
        }
        List<Integer> train = new ArrayList<>();
        List<Integer> validation = new ArrayList<>();
        List<Integer> test = new ArrayList<>();
        SplittableRandom rng = new SplittableRandom(seed);
        for (Map.Entry<String, List<Integer>> e : byLabel.entrySet()) {
            List<Integer> idx = e.getValue();
            if (idx.size() < 2) {
                throw new FormatException(data.source(), "at least 2 examples of each label (one to train on, one to "
                        + "test)", "label '" + e.getKey() + "' once, at " + data.where().get(idx.get(0)),
                        "a typo in the label, or a class too rare to learn");
            }
            for (int i = idx.size() - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                idx.set(i, idx.set(j, idx.get(i)));
            }
            int nTest = Math.max(1, (int) Math.round(idx.size() * testFraction));
            // at least one to test, one to validate when two remain, and always one to train on
            int nVal = idx.size() - nTest >= 2 ? Math.min(idx.size() - nTest - 1,
                    Math.max(1, (int) Math.round(idx.size() * validationFraction))) : 0;
            test.addAll(idx.subList(0, nTest));
            validation.addAll(idx.subList(nTest, nTest + nVal));
            train.addAll(idx.subList(nTest + nVal, idx.size()));
        }
        return new Split(sorted(train), sorted(validation), sorted(test));
    }

    private static int[] sorted(List<Integer> l) {
        return l.stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    /**
     * Trains a classifier into a new run folder.
     *
     * @param settings  the settings
     * @param data      labelled texts or sequences
     * @param run       the run folder (absent or empty)
     * @param precision the precision ({@link Precision#F32} for speed)
     * @param listeners see the training
     * @param <A>       the array type
     * @return the classifier, as loaded from the run folder (its best weights)
     * @throws FormatException if a label occurs once or there is only one
     * @throws IOException     if the run cannot be written
     */
    public static <A> Classifier<A> train(ClassifierSettings settings, LabeledData data, Path run,
                                          Precision<A> precision, TrainingListener... listeners) throws IOException {
        Split split = check(settings, data);
        List<String> labels = List.copyOf(new TreeSet<>(data.labels()));
        Map<String, Object> task = new LinkedHashMap<>();
        task.put("kind", KIND);
        task.put("input", data.isText() ? "text" : "sequences");
        task.put("max_length", settings.maxLength());
        task.put("seed", settings.seed());
        task.put("validation_fraction", settings.validationFraction());
        task.put("test_fraction", settings.testFraction());
        task.put("balanced", settings.balanced());
        task.put("data_sha256", data.sha256() == null ? "" : data.sha256());
        SequenceModelConfig.Builder mb = SequenceModelConfig.builder();
        Normalization norm = null;
        if (data.isText()) {
            List<List<String>> trainTokens = new ArrayList<>();
            for (int i : split.train()) {
                trainTokens.add(settings.tokens().split(data.texts().get(i)));
            }
            TokenVocabulary v;
            try {
                v = TokenVocabulary.build(trainTokens, settings.minCount(), settings.maxVocabulary());
            } catch (IllegalArgumentException e) {
                throw FormatException.wrapping(data.source(), "texts with tokens to learn from", e);
            }
            task.put("tokens", settings.tokens().id());
            task.put("vocabulary", v.tokens());
            mb.tokens(v.size(), settings.embeddingDim()).paddingIdx(0);
        } else {
            List<Example> trainRaw = new ArrayList<>();
            for (int i : split.train()) {
                trainRaw.add(new Example(null, data.sequences().get(i), data.width(), null));
            }
            norm = Normalization.fit(trainRaw);
            mb.features(data.width());
            if (data.features() != null) {
                task.put("features", data.features());
            }
        }
        SequenceModelConfig config = mb.cell(settings.cell(), settings.hiddenSize()).layers(settings.layers())
                .bidirectional(settings.bidirectional()).pooling(settings.pooling()).dropout(settings.dropout())
                .inputDropout(settings.dropout()).outputDropout(settings.dropout())
                .outputs(labels.size()).build();
        Preprocessing pre = new Preprocessing(null, norm, labels, task);
        Precision<A> p = precision.withThreads(settings.threads() == 0
                ? Runtime.getRuntime().availableProcessors() : settings.threads());
        SequenceModel<A> model = SequenceModel.create(config, p, settings.seed());

        // examples as the saved classifier makes them, so that training and prediction agree
        Classifier<A> shape = Classifier.of(model, labels, pre);
        List<Example> train = pick(shape, data, split.train(), labels);
        List<Example> validation = pick(shape, data, split.validation(), labels);
        CrossEntropy.Builder loss = CrossEntropy.builder();
        if (settings.balanced()) {
            loss.classWeights(balancedWeights(train, labels.size()));
        }
        ExampleBatches batches = ExampleBatches.shuffled(train, Math.min(settings.batch(), train.size()),
                settings.seed(), 0);
        TrainConfig tc = TrainConfig.builder()
                .optimizer(OptimizerChoice.of("adam", settings.learningRate(), null, null, null, null))
                .clipNorm(1.0).steps(0).epochs(settings.epochs()).timeBudgetSeconds(settings.timeSeconds())
                .evalEvery(batches.batchesPerEpoch()).checkpointEvery(0)
                .metrics(List.of(Metric.ACCURACY, Metric.MACRO_F1))
                .earlyStopping(EarlyStopping.onLoss(settings.patience())).onDivergence(settings.onDivergence())
                .seed(settings.seed()).threads(settings.threads()).build();
        Map<String, Object> section = new LinkedHashMap<>();
        section.put("kind", data.isText() ? "labelled_texts" : "labelled_sequences");
        section.put("source", data.source().toString());
        section.put("examples", data.size());
        section.put("train", split.train().length);
        section.put("validation", split.validation().length);
        section.put("test", split.test().length);
        Provenance provenance = new Provenance(Version.get(), settings.seed(), data.source().toString(),
                data.sha256() == null ? "" : data.sha256(), data.size(),
                Instant.now().truncatedTo(ChronoUnit.MILLIS).toString(),
                System.getProperty("java.version", "unknown"));
        RunWriter writer = RunWriter.create(run, pre, section, provenance, Checkpoint.WriteHook.NONE);
        Trainer.create(model, loss.build(), batches, ExampleBatches.inOrder(validation, 256).all(), tc)
                .checkpointTo(writer).train(listeners);
        return Classifier.load(run, p);
    }

    /**
     * Checks, before anything is written, that data can train a classifier with these settings: its
     * split (every label at least twice), and a network whose training fits the heap.
     *
     * @param settings the settings
     * @param data     the labelled data
     * @return the split
     * @throws FormatException          as {@link #split}
     * @throws IllegalArgumentException if the network would not fit the heap
     */
    public static Split check(ClassifierSettings settings, LabeledData data) throws FormatException {
        Split split = split(data, settings.validationFraction(), settings.testFraction(), settings.seed());
        if (split.validation().length == 0) {
            throw new FormatException(data.source(), "at least 3 examples of some label (one each to train, "
                    + "validate and test on)", "2 of each", "a data set too small for early stopping");
        }
        SequenceModelConfig.Builder mb = SequenceModelConfig.builder();
        if (data.isText()) {
            mb.tokens(settings.maxVocabulary(), settings.embeddingDim());   // at most this many tokens
        } else {
            mb.features(data.width());
        }
        mb.cell(settings.cell(), settings.hiddenSize()).layers(settings.layers())
                .bidirectional(settings.bidirectional()).pooling(settings.pooling()).outputs(2).build()
                .requireTrainable("hidden size " + settings.hiddenSize() + ", " + settings.layers() + " layer(s)",
                        settings.batch(), settings.maxLength(), 4);
        return split;
    }

    private static <A> List<Example> pick(Classifier<A> c, LabeledData data, int[] idx, List<String> labels) {
        List<Example> out = new ArrayList<>(idx.length);
        for (int i : idx) {
            out.add(c.example(data, i, new Example.Label(labels.indexOf(data.labels().get(i)))));
        }
        return out;
    }

    /** {@code w_k = n / (K · n_k)}: scikit-learn's "balanced" class weights on the training examples. */
    static double[] balancedWeights(List<Example> train, int classes) {
        double[] count = new double[classes];
        for (Example e : train) {
            count[((Example.Label) e.target()).id()]++;
        }
        double[] w = new double[classes];
        for (int k = 0; k < classes; k++) {
            w[k] = count[k] == 0 ? 0 : train.size() / (classes * count[k]);
        }
        return w;
    }

    /**
     * The network and both baselines on the test examples of a data set, split as in training (the
     * same seed and fractions). The baselines are fitted on the training examples of this data: the
     * majority class, and a linear model (bag of 1- and 2-gram counts for texts, summary features for
     * sequences) trained for a fixed number of epochs with Adam.
     *
     * @param classifier the classifier
     * @param data       labelled data of the classifier's kind
     * @param <A>        the array type
     * @return the reports of the network, the majority class and the linear model
     * @throws FormatException if a label is unknown to the classifier or occurs once
     */
    public static <A> Result evaluate(Classifier<A> classifier, LabeledData data) throws FormatException {
        List<Example> all = classifier.examples(data, true);   // an unknown label is refused first
        List<String> labels = classifier.labels();
        dev.recur.io.MapFields t = new dev.recur.io.MapFields("preprocessing.task", classifier.task());
        if (!classifier.isTrainingData(data)) {
            int[] actual = new int[all.size()];
            for (int i = 0; i < actual.length; i++) {
                actual[i] = ((Example.Label) all.get(i).target()).id();
            }
            return new Result(ClassificationReport.of(labels, actual, classifier.classes(all)), null, null,
                    all.size(), false);
        }
        Split split = split(data, t.number("validation_fraction"), t.number("test_fraction"), t.longValue("seed"));
        int[] actual = new int[split.test().length];
        List<Example> test = new ArrayList<>();
        for (int i = 0; i < actual.length; i++) {
            Example e = all.get(split.test()[i]);
            test.add(e);
            actual[i] = ((Example.Label) e.target()).id();
        }
        ClassificationReport network = ClassificationReport.of(labels, actual, classifier.classes(test));
        int[] trainLabels = new int[split.train().length];
        for (int i = 0; i < trainLabels.length; i++) {
            trainLabels[i] = ((Example.Label) all.get(split.train()[i]).target()).id();
        }
        int majority = ClassificationReport.majorityClass(trainLabels, labels.size());
        int[] constant = new int[actual.length];
        java.util.Arrays.fill(constant, majority);
        ClassificationReport majorityReport = ClassificationReport.of(labels, actual, constant);
        ClassificationReport linear = linearBaseline(data, split, labels, t.longValue("seed"),
                t.has("tokens") ? TokenKind.fromId(t.text("tokens")) : null, t.bool("balanced"));
        return new Result(network, majorityReport, linear, split.test().length, true);
    }

    /**
     * The three reports on one test set.
     *
     * @param network      the recurrent network
     * @param majority     the majority class of the training examples; null on other data
     * @param linear       the linear model on n-gram counts or summary features; null on other data
     * @param test         the number of examples scored
     * @param trainingData whether the data is the classifier's training file (then the scored examples
     *                     are its test split; on other data, every example, and no baseline, which
     *                     would need the training examples)
     */
    public record Result(ClassificationReport network, ClassificationReport majority, ClassificationReport linear,
                         int test, boolean trainingData) {
    }

    /** One example per index: its vector at T = 1, labelled when {@code ids} is given. */
    private static List<Example> vectors(double[][] x, int[] idx, LabeledData data, Map<String, Integer> ids) {
        List<Example> out = new ArrayList<>(idx.length);
        for (int i : idx) {
            out.add(ids == null ? LinearClassifier.example(x[i])
                    : LinearClassifier.example(x[i], ids.get(data.labels().get(i))));
        }
        return out;
    }

    private static ClassificationReport linearBaseline(LabeledData data, Split split, List<String> labels, long seed,
                                                       TokenKind kind, boolean balanced) {
        double[][] x = new double[data.size()][];
        if (data.isText()) {
            List<List<String>> tokens = new ArrayList<>();
            for (String s : data.texts()) {
                tokens.add(kind.split(s));
            }
            List<List<String>> trainTokens = new ArrayList<>();
            for (int i : split.train()) {
                trainTokens.add(tokens.get(i));
            }
            // word 1- and 2-grams; character 1- to 3-grams
            NgramFeatures f = NgramFeatures.fit(trainTokens, kind == TokenKind.CHARS ? 3 : 2, 2, 20_000);
            for (int i = 0; i < x.length; i++) {
                x[i] = f.vector(tokens.get(i));
            }
        } else {
            for (int i = 0; i < x.length; i++) {
                x[i] = SummaryFeatures.of(data.sequences().get(i), data.width());
            }
        }
        Map<String, Integer> ids = new HashMap<>();
        for (int k = 0; k < labels.size(); k++) {
            ids.put(labels.get(k), k);
        }
        List<Example> train = vectors(x, split.train(), data, ids);
        Normalization norm = Normalization.fit(train);
        train = norm.apply(train);
        List<Example> validation = norm.apply(vectors(x, split.validation(), data, ids));
        List<Example> test = norm.apply(vectors(x, split.test(), data, null));
        int[] actual = new int[split.test().length];
        for (int j = 0; j < actual.length; j++) {
            actual[j] = ids.get(data.labels().get(split.test()[j]));
        }
        Precision<double[]> p = Precision.F64;
        LinearClassifier<double[]> model = LinearClassifier.create(p, x[0].length, labels.size(), seed);
        ExampleBatches batches = ExampleBatches.shuffled(train, Math.min(32, train.size()), seed, 0);
        CrossEntropy.Builder loss = CrossEntropy.builder();
        if (balanced) {
            loss.classWeights(balancedWeights(train, labels.size()));
        }
        // the same protocol as the network's: Adam, early stopping on the validation loss
        TrainConfig.Builder tb = TrainConfig.builder().optimizer(OptimizerChoice.of("adam", 1e-3, null, null, null,
                null)).steps(0).epochs(BASELINE_EPOCHS).seed(seed);
        if (validation.isEmpty()) {
            tb.epochs(BASELINE_EPOCHS_WITHOUT_VALIDATION).evalEvery(0);
        } else {
            tb.evalEvery(batches.batchesPerEpoch()).earlyStopping(EarlyStopping.onLoss(BASELINE_PATIENCE));
        }
        try {
            Trainer.create(model, loss.build(), batches, validation.isEmpty() ? null
                    : ExampleBatches.inOrder(validation, 256).all(), tb.build()).train();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);   // no checkpoints: cannot happen
        }
        int[] predicted = new int[actual.length];
        int row = 0;
        for (var b : ExampleBatches.inOrder(test, 256).all()) {
            for (int c : dev.recur.model.Predictions.classes(model, b)) {
                predicted[row++] = c;
            }
        }
        return ClassificationReport.of(labels, actual, predicted);
    }

}
