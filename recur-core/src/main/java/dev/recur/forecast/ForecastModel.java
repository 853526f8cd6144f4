package dev.recur.forecast;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A trained forecaster as a run folder holds it: the network (its best weights), the baselines fitted
 * on the training rows, which method serves the forecasts, and the prediction interval calibrated on
 * the validation rows. Every method forecasts the {@code horizon} rows after each origin of a
 * {@link Series} from the rows before it. Not thread-safe (the network keeps its activations);
 * load one per thread.
 *
 * <p>Forecasts are {@code [target][origin][step]}, in the series' own units.
 *
 * @param <A> the network's array type
 */
public final class ForecastModel<A> {

    /** The name of the naive baseline: the last value, repeated. */
    public static final String NAIVE = "naive";
    /** The name of the seasonal naive baseline: the value one season before. */
    public static final String SEASONAL_NAIVE = "seasonal_naive";
    /** The name of the drift baseline: the line through the first and last values. */
    public static final String DRIFT = "drift";
    /** The name of the AR(p) baseline fitted by least squares. */
    public static final String AR = "ar";

    private final Model<A> network;
    private final String networkName;
    private final ForecastSpec spec;
    private final Normalization normalization;
    private final List<ArModel> ar;
    private final String method;
    private final boolean selected;
    private final PredictionInterval[] intervals;
    private final Map<String, Double> validationScores;
    private final ForecastSpec.Split trainedSplit;
    private final String dataSha256;

    ForecastModel(Model<A> network, String networkName, ForecastSpec spec, Normalization normalization,
                  List<ArModel> ar, String method, boolean selected, PredictionInterval[] intervals,
                  Map<String, Double> validationScores, ForecastSpec.Split trainedSplit, String dataSha256) {
        this.selected = selected;
        this.trainedSplit = trainedSplit;
        this.dataSha256 = dataSha256;
        this.network = Objects.requireNonNull(network, "network");
        this.networkName = networkName;
        this.spec = spec;
        this.normalization = normalization;
        this.ar = List.copyOf(ar);
        this.method = method;
        this.intervals = intervals;
        this.validationScores = validationScores;
    }

    /**
     * Loads a forecaster from a run folder written by {@link Forecasting#train}: the best weights.
     *
     * @param run       the run folder (or its {@code checkpoint.json})
     * @param precision the precision to compute in (with its threads)
     * @param <A>       the array type
     * @return the forecaster
     * @throws FormatException if the run is not a forecaster's, or its task settings are invalid
     * @throws IOException     if it cannot be read
     */
    public static <A> ForecastModel<A> load(Path run, Precision<A> precision) throws IOException {
        // the kind first: another command's run has no best model to look for
        Manifest manifest = ManifestFormat.read(run);
        Path file = manifest.file();
        Map<String, Object> kind = manifest.preprocessing().task();
        if (kind == null || !Forecasting.KIND.equals(kind.get("kind"))) {
            throw new FormatException(file, "the run of a forecaster (preprocessing.task.kind = \"forecast\")",
                    kind == null ? "no task settings" : "kind \"" + kind.get("kind") + "\"",
                    "a run of another command, e.g. the character model of recur train or a classifier");
        }
        Checkpoint.Loaded<A> loaded = Checkpoint.loadModel(run, precision, true);
        Preprocessing pre = loaded.preprocessing();
        try {
            MapFields task = new MapFields("preprocessing.task", pre.task());
            ForecastSpec spec = ForecastSpec.fromMap(new MapFields("preprocessing.task.spec", task.object("spec")));
            List<ArModel> ar = new ArrayList<>();
            List<PredictionInterval> intervals = new ArrayList<>();
            for (Object o : list(task, "targets")) {
                MapFields t = new MapFields("preprocessing.task.targets[]", asMap(o));
                MapFields a = new MapFields("preprocessing.task.targets[].ar", t.object("ar"));
                ar.add(new ArModel(a.number("intercept"), a.numbers("coefficients")));
                intervals.add(new PredictionInterval(spec.intervalLevel(), t.numbers("half_width")));
            }
            if (ar.size() != spec.targets().size()) {
                throw new IllegalArgumentException("preprocessing.task.targets: expected one entry per target ("
                        + spec.targets().size() + "), found " + ar.size());
            }
            Map<String, Double> scores = new LinkedHashMap<>();
            task.object("validation_scores").forEach((k, v) -> scores.put(k, ((Number) v).doubleValue()));
            if (pre.normalization() == null || pre.normalization().width() != spec.inputColumns().size()) {
                throw new IllegalArgumentException("preprocessing.normalization: expected one mean and deviation per "
                        + "input column (" + spec.inputColumns().size() + ")");
            }
            MapFields split = new MapFields("preprocessing.task.split", task.object("split"));
            ForecastSpec.Split trained = new ForecastSpec.Split(split.integer("train_end"),
                    split.integer("validation_end"), split.integer("rows"));
            if (trained.trainEnd() < 1 || trained.validationEnd() <= trained.trainEnd()
                    || trained.rows() <= trained.validationEnd()) {
                throw new IllegalArgumentException("preprocessing.task.split: expected 0 < train_end < validation_end "
                        + "< rows, found " + trained);
            }
            String network = task.text("network");
            if (!(loaded.model() instanceof dev.recur.model.SequenceModel<?> m)
                    || !m.config().rnn().cell().id().equals(network)) {
                throw new IllegalArgumentException("preprocessing.task.network: expected the saved model's cell, "
                        + "found \"" + network + "\"");
            }
            String method = task.text("method");
            if (!methods(network, spec).contains(method)) {
                throw new IllegalArgumentException("preprocessing.task.method: expected one of "
                        + methods(network, spec) + ", found \"" + method + "\"");
            }
            for (int k = 0; k < ar.size(); k++) {
                // AR(p) was fitted on the training rows: 2p + 2 of them at least
                if (ar.get(k).order() > (trained.trainEnd() - 2) / 2
                        || intervals.get(k).halfWidth().length != spec.horizon()) {
                    throw new IllegalArgumentException("preprocessing.task.targets[" + k + "]: expected an AR order "
                            + "up to " + (trained.trainEnd() - 2) / 2 + " and " + spec.horizon() + " half-widths, "
                            + "found " + ar.get(k).order() + " and " + intervals.get(k).halfWidth().length);
                }
            }
            return new ForecastModel<>(loaded.model(), network, spec, pre.normalization(), ar, method,
                    task.bool("select"), intervals.toArray(PredictionInterval[]::new), scores, trained,
                    task.text("data_sha256"));
        } catch (IllegalArgumentException | ClassCastException e) {
            throw FormatException.wrapping(file, "valid forecaster settings", new IllegalArgumentException(
                    e.getMessage() + "; likely cause: an edited checkpoint.json", e));
        }
    }

    private static List<?> list(MapFields m, String key) {
        Object v = m.map().get(key);
        if (!(v instanceof List<?> l)) {
            throw new IllegalArgumentException("preprocessing.task." + key + ": expected a list, found " + v);
        }
        return l;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ?> asMap(Object o) {
        if (!(o instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("preprocessing.task.targets: expected objects, found " + o);
        }
        return (Map<String, ?>) o;
    }

    /** The data settings. */
    public ForecastSpec spec() {
        return spec;
    }

    /** The method that serves the forecasts: the network's name ({@code lstm}, {@code gru}) or a baseline's. */
    public String method() {
        return method;
    }

    /** Whether the served method was selected by validation score (else the network was asked for). */
    public boolean selected() {
        return selected;
    }

    /**
     * Whether a series is the file this forecaster was trained on (the same SHA-256).
     *
     * @param series the series
     * @return true for the training file
     */
    public boolean isTrainingData(Series series) {
        return series.sha256() != null && series.sha256().equals(dataSha256);
    }

    /**
     * The rows of a series a test may score: the training split's first rows (which trained and
     * selected the model) and every row after its validation rows.
     *
     * @param series the series
     * @return the split, with the series' own row count
     * @throws IllegalArgumentException if the series ends before a test forecast fits after the
     *                                  validation rows (the message names the file)
     */
    public ForecastSpec.Split testSplit(Series series) {
        if (series.rows() < trainedSplit.validationEnd() + spec.horizon()) {
            throw new IllegalArgumentException(series.source() + ": expected rows after row "
                    + trainedSplit.validationEnd() + " (the end of the rows this model was trained and selected on) "
                    + "for at least one forecast of " + spec.horizon() + " row(s), found " + series.rows()
                    + " rows; likely cause: a file shorter than the training file (give the training file, or one "
                    + "with newer rows appended)");
        }
        return new ForecastSpec.Split(trainedSplit.trainEnd(), trainedSplit.validationEnd(), series.rows());
    }

    /** The network's name: {@code lstm} or {@code gru}. */
    public String networkName() {
        return networkName;
    }

    /** The network (its best weights). */
    public Model<A> network() {
        return network;
    }

    /** Each method's validation score (mean over targets of RMSE / training deviation), lowest first served. */
    public Map<String, Double> validationScores() {
        return validationScores;
    }

    /** The AR(p) baseline of target {@code k}, fitted on the training rows. */
    public ArModel ar(int k) {
        return ar.get(k);
    }

    /** The prediction interval of target {@code k} (half-widths per step, from validation residuals). */
    public PredictionInterval interval(int k) {
        return intervals[k];
    }

    /** The methods this forecaster can run: the network, then the baselines. */
    public List<String> methods() {
        return methods(networkName, spec);
    }

    static List<String> methods(String network, ForecastSpec spec) {
        List<String> m = new ArrayList<>(List.of(network, NAIVE));
        if (spec.season() > 1) {
            m.add(SEASONAL_NAIVE);
        }
        m.add(DRIFT);
        m.add(AR);
        return m;
    }

    /**
     * The served method's forecasts.
     *
     * @param series  the rows (the model's columns)
     * @param origins the first forecast row of each forecast; each needs the rows before it
     * @return {@code [target][origin][step]}
     */
    public double[][][] forecasts(Series series, int[] origins) {
        return forecasts(method, series, origins);
    }

    /**
     * One method's forecasts.
     *
     * @param method  a name of {@link #methods()}
     * @param series  the rows
     * @param origins the origins, each at least the method's history length (the window for the
     *                network, the season for the seasonal naive, the order for AR)
     * @return {@code [target][origin][step]}
     * @throws IllegalArgumentException for an unknown method or an origin with too little history
     */
    public double[][][] forecasts(String method, Series series, int[] origins) {
        if (!series.columns().equals(spec.inputColumns())) {
            throw new IllegalArgumentException(series.source() + ": expected the columns " + spec.inputColumns()
                    + ", found " + series.columns());
        }
        if (method.equals(networkName)) {
            return network(series, origins);
        }
        int h = spec.horizon();
        double[][][] out = new double[spec.targets().size()][][];
        for (int k = 0; k < out.length; k++) {
            Forecaster f = switch (method) {
                case NAIVE -> Baselines.naive();
                case SEASONAL_NAIVE -> Baselines.seasonalNaive(spec.season());
                case DRIFT -> Baselines.drift();
                case AR -> ar.get(k);
                default -> throw new IllegalArgumentException("method: expected one of " + methods() + ", found '"
                        + method + "'");
            };
            out[k] = new double[origins.length][];
            for (int i = 0; i < origins.length; i++) {
                if (origins[i] < 1 || origins[i] > series.rows()) {
                    throw new IllegalArgumentException(series.source() + ": a forecast from row " + origins[i]
                            + " needs rows before it, found " + series.rows() + " rows");
                }
                // the history: every row before the origin (the origin may be the row after the last)
                out[k][i] = f.forecast(java.util.Arrays.copyOf(series.values()[k], origins[i]), h);
            }
        }
        return out;
    }

    /** The network's forecasts: windows standardised as in training, outputs changes from each window's last value. */
    private double[][][] network(Series series, int[] origins) {
        int w = spec.window();
        int nf = spec.inputColumns().size();
        int nt = spec.targets().size();
        int h = spec.horizon();
        double[][][] out = new double[nt][origins.length][h];
        final int chunk = 256;
        for (int from = 0; from < origins.length; from += chunk) {
            List<Example> windows = new ArrayList<>();
            for (int i = from; i < Math.min(origins.length, from + chunk); i++) {
                if (origins[i] < w || origins[i] > series.rows()) {
                    throw new IllegalArgumentException(series.source() + ": a forecast from row " + origins[i]
                            + " needs the " + w + " rows before it (the window), found " + Math.min(origins[i],
                            series.rows()));
                }
                windows.add(Forecasting.window(series, normalization, origins[i], w, nf, null));
            }
            double[][] z = Predictions.values(network, ExampleBatches.batch(windows));
            for (int i = 0; i < z.length; i++) {
                for (int s = 0; s < h; s++) {
                    for (int k = 0; k < nt; k++) {
                        // y = y_{o−1} + z · σ_k: the forecast change added to the window's last value
                        out[k][from + i][s] = series.values()[k][origins[from + i] - 1]
                                + z[i][s * nt + k] * normalization.std()[k];
                    }
                }
            }
        }
        return out;
    }
}
