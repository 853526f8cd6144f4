package dev.recur.forecast;

import dev.recur.Version;
import dev.recur.checkpoint.Checkpoint;
import dev.recur.checkpoint.Provenance;
import dev.recur.checkpoint.RunWriter;
import dev.recur.data.Example;
import dev.recur.data.ExampleBatches;
import dev.recur.data.Normalization;
import dev.recur.io.AtomicFiles;
import dev.recur.model.Model;
import dev.recur.model.Preprocessing;
import dev.recur.model.SequenceModel;
import dev.recur.model.SequenceModelConfig;
import dev.recur.nn.Pooling;
import dev.recur.nn.loss.MeanSquaredError;
import dev.recur.nn.loss.Reduction;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.tensor.Precision;
import dev.recur.train.EarlyStopping;
import dev.recur.train.OptimizerChoice;
import dev.recur.train.TrainConfig;
import dev.recur.train.Trainer;
import dev.recur.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Forecasting a user's series: windows of past rows in, the next {@code horizon} rows out, a
 * recurrent network trained by the one {@link Trainer} beside the baselines every forecast should be
 * measured against (naive, seasonal naive, drift, AR(p) by least squares).
 *
 * <p>The network reads the window's rows standardised with statistics of the training rows only and
 * forecasts each target's change from the window's last value (in training deviations), so that a
 * trend beyond the training range is a change it has seen, not a level it has not.
 *
 * <p>{@link #train} standardises every column with statistics of the training rows only, trains
 * each network with early stopping on the validation rows (its best weights kept), scores every
 * method on the validation rows, serves the best one when selection is on, and calibrates the
 * prediction interval on that method's validation residuals (the same rows that stopped and
 * selected it, so the interval tends to under-cover: the test report gives its empirical coverage);
 * the run folder then holds all of it
 * ({@link ForecastModel#load}). {@link #evaluate} measures every method on the test rows. The
 * library never prints; a {@link TrainingListener} sees the training.
 *
 * <p>Stateless: calls share nothing, so calls on different models and data may run at once; a model
 * itself is not thread-safe.
 */
public final class Forecasting {

    /** The task kind saved in a forecaster's run ({@code preprocessing.task.kind}). */
    public static final String KIND = "forecast";

    private Forecasting() {
    }

    /**
     * Trains a forecaster on a series into a new run folder.
     *
     * @param settings  the settings
     * @param series    the rows, read with {@code settings.spec()}
     * @param run       the run folder: absent or empty
     * @param precision the precision of the networks ({@link Precision#F32} for speed)
     * @param listeners see each network's training
     * @param <A>       the array type
     * @return the trained forecaster, as loaded from the run folder
     * @throws IllegalArgumentException if the series is too short for the window, horizon and split, or
     *                                  a target is constant over the training rows (the message names the
     *                                  file and column)
     * @throws IOException              if the run folder exists or cannot be written
     */
    public static <A> ForecastModel<A> train(ForecastSettings settings, Series series, Path run, Precision<A> precision,
                                             TrainingListener... listeners) throws IOException {
        ForecastSpec spec = settings.spec();
        if (!series.columns().equals(spec.inputColumns())) {
            throw new IllegalArgumentException(series.source() + ": expected the columns " + spec.inputColumns()
                    + ", found " + series.columns());
        }
        if (Files.exists(run, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !emptyFolder(run)) {
            throw new IOException(run + ": expected a new or empty run folder, found "
                    + (Files.isDirectory(run) ? "a folder with files" : "a file") + "; likely cause: the name of "
                    + "an earlier run (choose another)");
        }
        ForecastSpec.Split split = check(settings, series);
        Normalization norm = fitNormalization(series, spec, split.trainEnd());
        Precision<A> p = precision.withThreads(settings.threads() == 0
                ? Runtime.getRuntime().availableProcessors() : settings.threads());

        int w = spec.window();
        int[] trainOrigins = origins(0, split.trainEnd(), w, spec.horizon());
        int[] validationOrigins = origins(split.trainEnd(), split.validationEnd(), w, spec.horizon());
        List<Example> train = windows(series, norm, spec, trainOrigins);
        List<Example> validation = windows(series, norm, spec, validationOrigins);

        // the baselines: fitted on the training rows, scored on the validation rows
        List<ArModel> ar = new ArrayList<>();
        for (int k = 0; k < spec.targets().size(); k++) {
            double[] y = series.values()[k];
            ar.add(ArModel.select(java.util.Arrays.copyOf(y, split.trainEnd()),
                    java.util.Arrays.copyOfRange(y, split.trainEnd(), split.validationEnd()),
                    Math.min(settings.maxArOrder(), (split.trainEnd() - 2) / 2)));   // AR(p) fits 2p + 2 rows
        }
        double[][][] validationActual = actuals(series, spec, validationOrigins);

        // the networks: each trained into a folder of its own; the best one becomes the run
        Path parent = run.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        List<Candidate<A>> networks = new ArrayList<>();
        List<Path> folders = new ArrayList<>();
        try {
            for (CellKind cell : settings.networks()) {
                // a hidden folder beside the run, moved into place only when everything has succeeded
                Path dir = Files.createTempDirectory(parent, AtomicFiles.temporaryName(run, "-" + cell.id() + "-"));
                folders.add(dir);
                networks.add(trainNetwork(settings, cell, series, norm, train, validation, dir, p, listeners));
            }
            Map<String, Double> scores = new LinkedHashMap<>();
            Map<String, double[][][]> validationForecasts = new LinkedHashMap<>();
            for (Candidate<A> c : networks) {
                ForecastModel<A> fm = c.model(spec, norm, ar);
                validationForecasts.put(c.name(), fm.forecasts(c.name(), series, validationOrigins));
            }
            Candidate<A> best = networks.get(0);
            ForecastModel<A> probe = best.model(spec, norm, ar);
            for (String m : ForecastModel.methods(best.name(), spec)) {
                if (!m.equals(best.name())) {
                    validationForecasts.put(m, probe.forecasts(m, series, validationOrigins));
                }
            }
            validationForecasts.forEach((m, f) -> scores.put(m, score(f, validationActual, norm)));
            best = networks.stream().min(Comparator.comparingDouble(c -> scores.get(c.name()))).orElseThrow();
            String bestNetwork = best.name();
            String method = bestNetwork;
            if (settings.select()) {
                method = scores.entrySet().stream()
                        .filter(e -> isBaseline(e.getKey()) || e.getKey().equals(bestNetwork))
                        .min(Map.Entry.comparingByValue()).orElseThrow().getKey();
            }

            // the interval: the served method's validation residuals, per target and step
            double[][][] served = validationForecasts.get(method);
            List<Map<String, Object>> targets = new ArrayList<>();
            for (int k = 0; k < spec.targets().size(); k++) {
                double[][] residuals = new double[validationOrigins.length][spec.horizon()];
                for (int i = 0; i < residuals.length; i++) {
                    for (int s = 0; s < spec.horizon(); s++) {
                        residuals[i][s] = validationActual[k][i][s] - served[k][i][s];
                    }
                }
                PredictionInterval interval = PredictionInterval.fromResiduals(residuals, spec.intervalLevel());
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("name", spec.targets().get(k));
                t.put("ar", Map.of("intercept", ar.get(k).intercept(),
                        "coefficients", toList(ar.get(k).coefficients())));
                t.put("half_width", toList(interval.halfWidth()));
                targets.add(t);
            }
            Map<String, Object> task = new LinkedHashMap<>();
            task.put("kind", KIND);
            task.put("spec", spec.toMap());
            task.put("network", best.name());
            task.put("method", method);
            task.put("select", settings.select());
            task.put("targets", targets);
            task.put("validation_scores", scores);
            task.put("split", Map.of("train_end", split.trainEnd(), "validation_end", split.validationEnd(),
                    "rows", split.rows()));
            task.put("data_sha256", series.sha256() == null ? "" : series.sha256());
            best.writer().preprocessing(best.writer().preprocessing().withTask(task)).save(best.trainer());
            Files.deleteIfExists(run);   // absent or empty (checked above)
            Files.move(best.directory(), run, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            for (Path dir : folders) {
                deleteRecursively(dir);   // the losers, or all after a failure; the winner has moved
            }
        }
        return ForecastModel.load(run, p);
    }

    /**
     * Checks that a series can train a forecaster, before anything is written: enough rows for the
     * window, horizon, season and split, targets that vary over the training rows, and networks
     * whose training fits the heap.
     *
     * @param settings the settings
     * @param series   the rows
     * @return the split
     * @throws IllegalArgumentException naming the file, as {@link #train} would
     */
    public static ForecastSpec.Split check(ForecastSettings settings, Series series) {
        ForecastSpec spec = settings.spec();
        ForecastSpec.Split split;
        try {
            split = spec.split(series.rows());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(series.source() + ": " + e.getMessage(), e);
        }
        fitNormalization(series, spec, split.trainEnd());
        for (CellKind cell : settings.networks()) {
            networkConfig(settings, cell).requireTrainable("hidden size " + settings.hiddenSize() + ", "
                    + settings.layers() + " layer(s)", settings.batch(), spec.window(), 4);
        }
        return split;
    }

    /** The network of one cell kind: the window's columns in, the last step pooled, the horizon out. */
    private static SequenceModelConfig networkConfig(ForecastSettings s, CellKind cell) {
        return SequenceModelConfig.builder().features(s.spec().inputColumns().size()).cell(cell, s.hiddenSize())
                .layers(s.layers()).dropout(s.dropout()).pooling(Pooling.Kind.LAST).outputs(s.spec().outputs())
                .build();
    }

    private static boolean isBaseline(String method) {
        return List.of(ForecastModel.NAIVE, ForecastModel.SEASONAL_NAIVE, ForecastModel.DRIFT, ForecastModel.AR)
                .contains(method);
    }

    /** One trained network: its folder, trainer and writer, and its best weights loaded. */
    private record Candidate<A>(String name, Path directory, Trainer<A> trainer, RunWriter writer, Model<A> best) {
        ForecastModel<A> model(ForecastSpec spec, Normalization norm, List<ArModel> ar) {
            return new ForecastModel<>(best, name, spec, norm, ar, name, false, null, Map.of(), null, null);
        }
    }

    private static <A> Candidate<A> trainNetwork(ForecastSettings s, CellKind cell, Series series, Normalization norm,
                                                 List<Example> train, List<Example> validation, Path dir,
                                                 Precision<A> p, TrainingListener... listeners) throws IOException {
        ForecastSpec spec = s.spec();
        SequenceModel<A> model = SequenceModel.create(networkConfig(s, cell), p, s.seed());
        ExampleBatches batches = ExampleBatches.shuffled(train, Math.min(s.batch(), train.size()), s.seed(), 0);
        TrainConfig tc = TrainConfig.builder()
                .optimizer(OptimizerChoice.of("adam", s.learningRate(), null, null, null, null))
                .clipNorm(1.0).steps(0).epochs(s.epochs()).timeBudgetSeconds(s.timeSeconds())
                .evalEvery(batches.batchesPerEpoch()).checkpointEvery(0)
                .earlyStopping(EarlyStopping.onLoss(s.patience())).onDivergence(s.onDivergence()).seed(s.seed())
                .threads(s.threads()).build();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("kind", "forecast_windows");
        data.put("file", series.source().toString());
        data.put("rows", series.rows());
        data.put("training_windows", train.size());
        data.put("validation_windows", validation.size());
        Provenance provenance = new Provenance(Version.get(), s.seed(), series.source().toString(),
                series.sha256() == null ? "" : series.sha256(), series.rows(),
                Instant.now().truncatedTo(ChronoUnit.MILLIS).toString(), System.getProperty("java.version", "unknown"));
        RunWriter writer = RunWriter.create(dir, new Preprocessing(null, norm, null), data, provenance,
                Checkpoint.WriteHook.NONE);
        Trainer<A> trainer = Trainer.create(model, new MeanSquaredError(Reduction.MEAN), batches,
                ExampleBatches.inOrder(validation, 256).all(), tc).checkpointTo(writer);
        trainer.train(listeners);
        Model<A> best = Checkpoint.loadModel(dir, p, true).model();
        return new Candidate<>(cell.id(), dir, trainer, writer, best);
    }

    /**
     * Measures every method of a forecaster on the test rows of a series: the rows after the
     * validation rows it was selected on ({@link ForecastModel#testSplit}), so that no row that
     * trained or selected it is scored — the training file's test rows, or those and any rows
     * appended since, or a file of the same columns as long as it reaches past them.
     *
     * @param model  the forecaster
     * @param series the rows (the same file as in training, or one with the same columns)
     * @param <A>    the array type
     * @return the report
     * @throws IllegalArgumentException if the series has other columns or no row after the validation rows
     */
    public static <A> ForecastReport evaluate(ForecastModel<A> model, Series series) {
        ForecastSpec spec = model.spec();
        ForecastSpec.Split split = model.testSplit(series);
        int[] test = testOrigins(spec, split);
        double[][][] actual = actuals(series, spec, test);
        Map<String, List<ForecastReport.Scores>> methods = new LinkedHashMap<>();
        double[] coverage = new double[spec.targets().size()];
        for (String m : model.methods()) {
            double[][][] f = model.forecasts(m, series, test);
            List<ForecastReport.Scores> perTarget = new ArrayList<>();
            for (int k = 0; k < f.length; k++) {
                double[] training = java.util.Arrays.copyOf(series.values()[k], split.trainEnd());
                perTarget.add(ForecastReport.Scores.of(actual[k], f[k], training, spec.season()));
                if (m.equals(model.method())) {
                    coverage[k] = model.interval(k).coverage(actual[k], f[k]);
                }
            }
            methods.put(m, perTarget);
        }
        return new ForecastReport(series.source().toString(), model.isTrainingData(series), spec, split, test.length,
                model.method(), model.networkName(), model.selected(), model.validationScores(), methods, coverage);
    }

    /** The test origins of a split: every origin whose rows lie in the test rows. */
    public static int[] testOrigins(ForecastSpec spec, ForecastSpec.Split split) {
        return origins(split.validationEnd(), split.rows(), spec.window(), spec.horizon());
    }

    /**
     * The origins whose forecast rows lie in {@code [from, to)} and whose window fits before them.
     *
     * @param from    the first row forecasts may cover
     * @param to      the row after the last
     * @param window  the window
     * @param horizon the horizon
     * @return the origins, in order
     */
    public static int[] origins(int from, int to, int window, int horizon) {
        int first = Math.max(from, window);
        int last = to - horizon;
        return last < first ? new int[0] : java.util.stream.IntStream.rangeClosed(first, last).toArray();
    }

    /** {@code [target][origin][step]}: the actual rows each origin forecasts. */
    static double[][][] actuals(Series series, ForecastSpec spec, int[] origins) {
        double[][][] out = new double[spec.targets().size()][origins.length][spec.horizon()];
        for (int k = 0; k < out.length; k++) {
            for (int i = 0; i < origins.length; i++) {
                System.arraycopy(series.values()[k], origins[i], out[k][i], 0, spec.horizon());
            }
        }
        return out;
    }

    /** Mean over targets of the validation RMSE divided by the target's training deviation. */
    private static double score(double[][][] forecast, double[][][] actual, Normalization norm) {
        double sum = 0;
        for (int k = 0; k < forecast.length; k++) {
            sum += ForecastMetrics.rmse(flat(actual[k]), flat(forecast[k])) / norm.std()[k];
        }
        return sum / forecast.length;
    }

    static double[] flat(double[][] a) {
        return java.util.Arrays.stream(a).flatMapToDouble(java.util.Arrays::stream).toArray();
    }

    private static List<Double> toList(double[] a) {
        return java.util.Arrays.stream(a).boxed().toList();
    }

    /**
     * Per-column mean and deviation over the training rows; a constant target is refused (a forecast
     * of it needs no model, and its errors cannot be scaled).
     */
    private static Normalization fitNormalization(Series series, ForecastSpec spec, int trainEnd) {
        int nf = spec.inputColumns().size();
        double[] mean = new double[nf];
        double[] std = new double[nf];
        for (int c = 0; c < nf; c++) {
            double[] v = series.values()[c];
            // μ = Σ v / n, σ = sqrt(Σ (v − μ)² / n) over the training rows
            double m = 0;
            for (int t = 0; t < trainEnd; t++) {
                m += v[t];
            }
            m /= trainEnd;
            double ss = 0;
            for (int t = 0; t < trainEnd; t++) {
                ss += (v[t] - m) * (v[t] - m);
            }
            mean[c] = m;
            std[c] = Math.sqrt(ss / trainEnd);
            if (!(std[c] > 1e-12 * Math.max(1, Math.abs(m)))) {
                if (c < spec.targets().size()) {
                    throw new IllegalArgumentException(series.source() + ": expected a target column that varies over "
                            + "the training rows, found column '" + spec.inputColumns().get(c) + "' constant at " + m
                            + " in its first " + trainEnd + " rows; likely cause: a constant or placeholder series "
                            + "(nothing to forecast, and its errors cannot be scaled)");
                }
                std[c] = 1;
            }
        }
        return new Normalization(mean, std);
    }

    private static List<Example> windows(Series series, Normalization norm, ForecastSpec spec, int[] origins) {
        int nf = spec.inputColumns().size();
        int nt = spec.targets().size();
        List<Example> out = new ArrayList<>(origins.length);
        for (int o : origins) {
            double[] target = new double[spec.outputs()];
            for (int s = 0; s < spec.horizon(); s++) {
                for (int k = 0; k < nt; k++) {
                    // z = (y_{o+s} − y_{o−1}) / σ: the change from the window's last value, standardised
                    target[s * nt + k] = (series.values()[k][o + s] - series.values()[k][o - 1]) / norm.std()[k];
                }
            }
            out.add(window(series, norm, o, spec.window(), nf, target));
        }
        return out;
    }

    /** The standardised rows {@code [o − w, o)} of every input column as an example. */
    static Example window(Series series, Normalization norm, int o, int w, int nf, double[] target) {
        double[][] steps = new double[w][nf];
        for (int t = 0; t < w; t++) {
            for (int c = 0; c < nf; c++) {
                steps[t][c] = (series.values()[c][o - w + t] - norm.mean()[c]) / norm.std()[c];
            }
        }
        return Example.ofFeatures(steps, target == null ? null : new Example.Values(target));
    }

    private static boolean emptyFolder(Path dir) throws IOException {
        if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // left behind: a hidden folder beside the run, harmless
                }
            });
        } catch (IOException e) {
            // as above
        }
    }
}
