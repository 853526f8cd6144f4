package dev.recur.cli;

import dev.recur.classify.Classification;
import dev.recur.classify.ClassificationReport;
import dev.recur.classify.Classifier;
import dev.recur.classify.ClassifierSettings;
import dev.recur.classify.LabeledData;
import dev.recur.classify.TokenKind;
import dev.recur.data.Example;
import dev.recur.io.AtomicFiles;
import dev.recur.nn.Pooling;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.tensor.Precision;
import dev.recur.train.TrainingEvents;
import dev.recur.train.DivergencePolicy;
import dev.recur.train.TrainingListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code recur classify train|eval|predict}: sequence classification of texts (a CSV/JSON Lines
 * file with a text and a label column, or a folder per label) or numeric sequences (a long-form
 * table), beside the majority-class and linear baselines. A thin shell over {@link Classification}.
 */
@Command(name = "classify", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Classify texts or numeric sequences, beside honest baselines.",
        subcommands = {ClassifyCommand.Train.class, ClassifyCommand.Eval.class, ClassifyCommand.Predict.class})
public final class ClassifyCommand extends RecurCommand {

    /** Creates the command. */
    public ClassifyCommand() {
    }

    @Override
    protected int execute(Output out) {
        throw new IllegalArgumentException("classify: expected a subcommand (train, eval or predict), found none; "
                + "see recur classify --help");
    }

    /** Where the examples come from, shared by the three subcommands. */
    static final class DataOptions {
        @Option(names = "--data", paramLabel = "FILE|DIR", required = true,
                description = "CSV, TSV or JSON Lines; or a folder with one subfolder per label of text files (or, "
                        + "with --sequences, of tables with one row per step).")
        Path data;

        @Option(names = "--text", paramLabel = "COL", defaultValue = "text",
                description = "Text column. Default: ${DEFAULT-VALUE}.")
        String text;

        @Option(names = "--label", paramLabel = "COL", defaultValue = "label",
                description = "Label column. Default: ${DEFAULT-VALUE}.")
        String label;

        @Option(names = "--sequences", description = "Numeric sequences in long form (one row per step) instead of "
                + "texts: --id groups the rows of an example, --step orders them.")
        boolean sequences;

        @Option(names = "--id", paramLabel = "COL", defaultValue = "id",
                description = "Sequences: the example id column. Default: ${DEFAULT-VALUE}.")
        String id;

        @Option(names = "--step", paramLabel = "COL",
                description = "Sequences: the step column. Default: 'step' if present, else file order.")
        String step;

        @Option(names = "--features", paramLabel = "COL", split = ",",
                description = "Sequences: feature columns. Default: all but id, step and label.")
        List<String> features;

        /**
         * Reads the examples.
         *
         * @param requireLabels whether the label column must be there (else read when present)
         * @param trained       the feature columns a classifier was trained on, the default of --features
         */
        LabeledData read(boolean requireLabels, List<String> trained) throws IOException {
            if (Files.isDirectory(data)) {
                return sequences ? LabeledData.sequenceFolder(data, features != null ? features : trained)
                        : LabeledData.folder(data);
            }
            if (sequences) {
                // read once: the table tells whether the default step column is there
                dev.recur.data.table.Table table = dev.recur.data.table.Tables.read(data);
                String s = step != null ? step : table.hasColumn("step") ? "step" : null;
                return LabeledData.sequences(table, id, s, features != null ? features : trained, label,
                        requireLabels);
            }
            return LabeledData.texts(data, text, label, requireLabels);
        }
    }

    /** {@code recur classify train}. */
    @Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
            defaultValueProvider = Train.Defaults.class,
            description = "Train a recurrent classifier with early stopping and report it beside the baselines on "
                    + "held-out test examples.")
    public static final class Train extends RecurCommand {
        @Mixin
        private DataOptionsMixin dataOptions;

        @Option(names = "--tokens", paramLabel = "chars|words", description = "Text tokens. Default: ${DEFAULT-VALUE}.")
        private String tokens;

        @Option(names = "--min-count", paramLabel = "N", description = "Least training count of a known token. "
                + "Default: ${DEFAULT-VALUE}.")
        private Integer minCount;

        @Option(names = "--max-vocab", paramLabel = "N", description = "Most tokens kept. Default: ${DEFAULT-VALUE}.")
        private Integer maxVocab;

        @Option(names = "--max-length", paramLabel = "N",
                description = "Most tokens or steps read. Default: ${DEFAULT-VALUE}.")
        private Integer maxLength;

        @Option(names = "--cell", paramLabel = "lstm|gru|rnn|rnn_relu",
                description = "Recurrent cell. Default: ${DEFAULT-VALUE}.")
        private String cell;

        @Option(names = "--embedding", paramLabel = "N", description = "Embedding size. Default: ${DEFAULT-VALUE}.")
        private Integer embedding;

        @Option(names = "--hidden", paramLabel = "N", description = "Units per layer and direction. Default: ${DEFAULT-VALUE}.")
        private Integer hidden;

        @Option(names = "--layers", paramLabel = "N", description = "Recurrent layers. Default: ${DEFAULT-VALUE}.")
        private Integer layers;

        @Option(names = "--unidirectional", description = "Read one way only (default: both).")
        private boolean unidirectional;

        @Option(names = "--pooling", paramLabel = "last|mean|max|attention", description = "Default: ${DEFAULT-VALUE}.")
        private String pooling;

        @Option(names = "--dropout", paramLabel = "P", description = "Dropout in training. Default: ${DEFAULT-VALUE}.")
        private Double dropout;

        @Option(names = "--class-weights", paramLabel = "none|balanced", description = "Default: ${DEFAULT-VALUE}.")
        private String classWeights;

        @Option(names = "--batch", paramLabel = "B", description = "Examples per step. Default: ${DEFAULT-VALUE}.")
        private Integer batch;

        @Option(names = "--epochs", paramLabel = "N", description = "The most epochs. Default: ${DEFAULT-VALUE}.")
        private Integer epochs;

        @Option(names = "--time", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "Training-time budget, e.g. 90s, 4m (without validation time; per network). "
                        + "Default: none.")
        private Double time;

        @Option(names = "--patience", paramLabel = "N", description = "Epochs without a lower validation loss "
                + "before stopping. Default: ${DEFAULT-VALUE}.")
        private Integer patience;

        @Option(names = "--lr", paramLabel = "RATE", description = "Adam's learning rate. Default: ${DEFAULT-VALUE}.")
        private Double lr;

        @Option(names = "--on-divergence", paramLabel = "stop|skip|rollback",
                description = "A training step whose loss, a gradient or an update is NaN or infinite: stop, skip its "
                        + "update, or roll back to the last validation with the learning rate halved. "
                        + "Default: ${DEFAULT-VALUE}.")
        private String onDivergence;

        @Option(names = "--seed", paramLabel = "N", description = "Seed of split and training. Default: ${DEFAULT-VALUE}.")
        private Long seed;

        @Option(names = "--threads", paramLabel = "N", description = "Threads (0 = one per processor). Default: ${DEFAULT-VALUE}.")
        private Integer threads;

        @Option(names = "--runs-dir", paramLabel = "DIR", defaultValue = RunFolders.DEFAULT_RUNS,
                description = "Folder of the run folders. Default: ${DEFAULT-VALUE}.")
        private Path runsDir;

        @Option(names = "--run-name", paramLabel = "NAME", description = "Run folder name. Default: the start time.")
        private String runName;

        /** Creates the command. */
        public Train() {
        }

        /** The defaults of the options: those of {@link ClassifierSettings.Builder}. */
        public static final class Defaults implements picocli.CommandLine.IDefaultValueProvider {
            /** Creates the provider (picocli instantiates it reflectively). */
            public Defaults() {
            }

            @Override
            public String defaultValue(picocli.CommandLine.Model.ArgSpec argSpec) {
                if (!(argSpec instanceof picocli.CommandLine.Model.OptionSpec o)) {
                    return null;
                }
                ClassifierSettings d = ClassifierSettings.builder().build();
                return switch (o.longestName()) {
                    case "--tokens" -> d.tokens().id();
                    case "--min-count" -> Integer.toString(d.minCount());
                    case "--max-vocab" -> Integer.toString(d.maxVocabulary());
                    case "--max-length" -> Integer.toString(d.maxLength());
                    case "--cell" -> d.cell().id();
                    case "--embedding" -> Integer.toString(d.embeddingDim());
                    case "--hidden" -> Integer.toString(d.hiddenSize());
                    case "--layers" -> Integer.toString(d.layers());
                    case "--pooling" -> d.pooling().id();
                    case "--dropout" -> Double.toString(d.dropout());
                    case "--class-weights" -> d.balanced() ? "balanced" : "none";
                    case "--batch" -> Integer.toString(d.batch());
                    case "--epochs" -> Integer.toString(d.epochs());
                    case "--patience" -> Integer.toString(d.patience());
                    case "--lr" -> Double.toString(d.learningRate());
                    case "--on-divergence" -> d.onDivergence().id();
                    case "--seed" -> Long.toString(d.seed());
                    case "--threads" -> Integer.toString(d.threads());
                    default -> null;
                };
            }
        }

        @Override
        protected int execute(Output out) throws Exception {
            ClassifierSettings.Builder b = ClassifierSettings.builder();
            if (tokens != null) {
                b.tokens(OptionChecks.parsed("--tokens", () -> TokenKind.fromId(tokens)));
            }
            if (minCount != null) {
                b.minCount(minCount);
            }
            if (maxVocab != null) {
                b.maxVocabulary(maxVocab);
            }
            if (maxLength != null) {
                b.maxLength(maxLength);
            }
            if (cell != null) {
                b.cell(OptionChecks.parsed("--cell", () -> CellKind.fromId(cell)));
            }
            if (embedding != null) {
                b.embeddingDim(embedding);
            }
            if (hidden != null) {
                b.hiddenSize(hidden);
            }
            if (layers != null) {
                b.layers(layers);
            }
            b.bidirectional(!unidirectional);
            if (pooling != null) {
                b.pooling(OptionChecks.parsed("--pooling", () -> Pooling.Kind.fromId(pooling)));
            }
            if (dropout != null) {
                b.dropout(dropout);
            }
            if (classWeights != null) {
                if (!classWeights.equals("none") && !classWeights.equals("balanced")) {
                    throw new IllegalArgumentException("--class-weights: expected none or balanced, found '"
                            + classWeights + "'");
                }
                b.balanced(classWeights.equals("balanced"));
            }
            if (batch != null) {
                b.batch(batch);
            }
            if (epochs != null) {
                b.epochs(epochs);
            }
            if (time != null) {
                b.timeSeconds(time);
            }
            if (patience != null) {
                b.patience(patience);
            }
            if (lr != null) {
                b.learningRate(lr);
            }
            if (onDivergence != null) {
                b.onDivergence(OptionChecks.parsed("--on-divergence", () -> DivergencePolicy.fromId(onDivergence)));
            }
            if (seed != null) {
                b.seed(seed);
            }
            if (threads != null) {
                b.threads(threads);
            }
            ClassifierSettings settings = b.build();
            LabeledData data = dataOptions.options.read(true, null);
            Classification.check(settings, data);
            Path run = RunFolders.create(runsDir, runName);
            out.notice("classifying %d examples of %s", data.size(), data.source());
            long t0 = System.nanoTime();
            Classifier<float[]> c;
            try {
                c = Classification.train(settings, data, run, Precision.F32, progress(out),
                        new DivergenceNotices(out));
            } catch (RuntimeException | IOException e) {
                RunFolders.removeUnfinished(run);
                throw e;
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            out.notice("trained in %.1f s; run: %s", seconds, run);
            report(out, c, data, run.resolve("confusion.png"), seconds);
            return ExitCodes.OK;
        }
    }

    /** The data options as a mixin (picocli mixes in a class with a public no-argument constructor). */
    public static final class DataOptionsMixin {
        @ArgGroup(exclusive = false, multiplicity = "1")
        DataOptions options;

        /** Creates the options. */
        public DataOptionsMixin() {
        }
    }

    /** {@code recur classify eval}. */
    @Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Report a trained classifier and the baselines on the test examples of a data set.")
    public static final class Eval extends RecurCommand {
        @Mixin
        private CheckpointOptions checkpointOptions;

        @Mixin
        private DataOptionsMixin dataOptions;

        @Option(names = "--plot", paramLabel = "FILE", description = "Write the confusion matrix PNG here.")
        private Path plot;

        /** Creates the command. */
        public Eval() {
        }

        @Override
        protected int execute(Output out) throws Exception {
            OptionChecks.outputFile("--plot", plot, dataOptions.options.data, "the --data file");
            Classifier<float[]> c = Classifier.load(checkpointOptions.run(), Precision.F32);
            report(out, c, dataOptions.options.read(true, c.featureColumns()), plot, Double.NaN);
            return ExitCodes.OK;
        }
    }

    /** {@code recur classify predict}. */
    @Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Write the predicted label and the class probabilities of every example as CSV.")
    public static final class Predict extends RecurCommand {
        @Mixin
        private CheckpointOptions checkpointOptions;

        @Mixin
        private DataOptionsMixin dataOptions;

        @Option(names = "--only", paramLabel = "all|test", defaultValue = "all",
                description = "all examples, or only the test examples of the training split (the examples eval "
                        + "reports). Default: ${DEFAULT-VALUE}.")
        private String only;

        @Mixin
        private RowsOutOption outOption;

        /** Creates the command. */
        public Predict() {
        }

        @Override
        protected int execute(Output out) throws Exception {
            OptionChecks.outputFile("--out", outOption.file, dataOptions.options.data, "the --data file");
            Classifier<float[]> c = Classifier.load(checkpointOptions.run(), Precision.F32);
            boolean test = switch (only) {
                case "all" -> false;
                case "test" -> true;
                default -> throw new IllegalArgumentException("--only: expected all or test, found '" + only + "'");
            };
            LabeledData data = dataOptions.options.read(test, c.featureColumns());
            int[] rows;
            if (test && !c.isTrainingData(data)) {
                throw new IllegalArgumentException("--only test: expected the file the classifier was trained on "
                        + "(its test examples are a split of it), found " + data.source() + " (another SHA-256); "
                        + "likely cause: a new data set (predict all of it, or eval it)");
            }
            if (test) {
                dev.recur.io.MapFields t = new dev.recur.io.MapFields("preprocessing.task", c.task());
                rows = Classification.split(data, t.number("validation_fraction"), t.number("test_fraction"),
                        t.longValue("seed")).test();
            } else {
                rows = java.util.stream.IntStream.range(0, data.size()).toArray();
            }
            List<Example> all = c.examples(data, false);
            List<Example> chosen = java.util.Arrays.stream(rows).mapToObj(all::get).toList();
            double[][] p = c.probabilities(chosen);
            List<String> header = new java.util.ArrayList<>(List.of("example", "predicted"));
            c.labels().forEach(l -> header.add("p_" + l));
            if (test) {
                header.add("actual");
            }
            ResultRows table = new ResultRows(header);
            for (int i = 0; i < rows.length; i++) {
                List<Object> r = new java.util.ArrayList<>(List.of(data.where().get(rows[i]),
                        c.labels().get(Classifier.mostLikely(p[i]))));
                for (double v : p[i]) {
                    r.add(v);
                }
                if (test) {
                    r.add(data.labels().get(rows[i]));
                }
                table.add(r.toArray());
            }
            double unknown = c.unknownRate(data);
            table.write(out, outOption.file, String.format(Locale.ROOT, "predictions: %s (%d examples)",
                    outOption.file, rows.length));
            if (unknown > 0) {
                out.notice("%.1f%% of the tokens were not in the vocabulary (read as the unknown token)",
                        100 * unknown);
            }
            return ExitCodes.OK;
        }
    }

    private static TrainingListener progress(Output out) {
        return new TrainingListener() {
            @Override
            public void onValidation(TrainingEvents.Validation v) {
                out.progress("step %d: validation loss %.4f accuracy %.4f macro-F1 %.4f%s", v.step(),
                        v.result().loss(), v.result().metrics().get("accuracy"),
                        v.result().metrics().get("macro_f1"), v.best() ? " *" : "");
            }
        };
    }

    private static void report(Output out, Classifier<float[]> c, LabeledData data, Path plot, double seconds)
            throws IOException {
        Classification.Result r = Classification.evaluate(c, data);
        if (plot != null) {
            ConfusionChart.write(plot, r.network());
        }
        if (out.isJson()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("source", data.source().toString());
            m.put("training_data", r.trainingData());
            m.put("examples_scored", r.test());
            Map<String, ClassificationReport> reports = new LinkedHashMap<>();
            reports.put("network", r.network());
            reports.put("majority", r.majority());
            reports.put("linear", r.linear());
            reports.forEach((name, rep) -> {
                if (rep != null) {
                    m.put(name, Map.of("accuracy", rep.accuracy(), "macro_f1", rep.macroF1()));
                }
            });
            m.put("confusion", r.network().confusion());
            if (!Double.isNaN(seconds)) {
                m.put("train_seconds", seconds);
            }
            out.record(m);
            return;
        }
        StringBuilder t = new StringBuilder();
        t.append(r.trainingData()
                ? String.format(Locale.ROOT, "test: %d examples of %s%n", r.test(), data.source())
                : String.format(Locale.ROOT, "all %d examples of %s (not the training data: no baselines, which "
                        + "need the training examples)%n", r.test(), data.source()));
        t.append(String.format(Locale.ROOT, "%-44s %9s %9s%n", "", "accuracy", "macro-F1"));
        row(t, "network: " + c.description(), r.network());
        if (r.trainingData()) {
            row(t, "baseline: majority class", r.majority());
            row(t, "baseline: linear (" + (c.readsText() ? "n-grams" : "summary") + ")", r.linear());
        }
        t.append(r.network().table());
        if (plot != null) {
            t.append("confusion matrix: ").append(plot);
        }
        out.value("report", t.toString().stripTrailing());
    }

    private static void row(StringBuilder t, String name, ClassificationReport r) {
        t.append(String.format(Locale.ROOT, "%-44s %9.4f %9.4f%n", name, r.accuracy(), r.macroF1()));
    }
}
