package dev.recur.cli;

import dev.recur.data.table.FillPolicy;
import dev.recur.data.table.Table;
import dev.recur.data.table.Tables;
import dev.recur.forecast.ForecastModel;
import dev.recur.forecast.ForecastReport;
import dev.recur.forecast.ForecastSettings;
import dev.recur.forecast.ForecastSpec;
import dev.recur.forecast.Forecasting;
import dev.recur.forecast.Series;
import dev.recur.io.AtomicFiles;
import dev.recur.tensor.Precision;
import dev.recur.train.TrainingEvents;
import dev.recur.train.DivergencePolicy;
import dev.recur.train.TrainingListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code recur forecast train|eval|predict}: forecasting a column of a CSV or JSON Lines file with a
 * recurrent network, always beside the baselines (naive, seasonal naive, drift, AR(p)). A thin shell
 * over {@link Forecasting}.
 */
@Command(name = "forecast", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Forecast a series from a CSV or JSON Lines file, beside honest baselines.",
        subcommands = {ForecastCommand.Train.class, ForecastCommand.Eval.class, ForecastCommand.Predict.class})
public final class ForecastCommand extends RecurCommand {

    /** Creates the command. */
    public ForecastCommand() {
    }

    @Override
    protected int execute(Output out) {
        throw new IllegalArgumentException("forecast: expected a subcommand (train, eval or predict), found none; "
                + "see recur forecast --help");
    }

    /** {@code recur forecast train}. */
    @Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
            defaultValueProvider = Train.Defaults.class,
            description = "Train an LSTM/GRU forecaster with early stopping, score it beside the baselines on "
                    + "the test rows, and write a run folder and a plot.")
    public static final class Train extends RecurCommand {
        @Option(names = "--data", paramLabel = "FILE", required = true,
                description = "CSV, TSV or JSON Lines with a header: an optional time column, the target(s), "
                        + "optional covariates.")
        private Path data;

        @Option(names = "--target", paramLabel = "COL", split = ",",
                description = "Column(s) to forecast. Default: the only column besides the time column.")
        private List<String> targets;

        @Option(names = "--covariates", paramLabel = "COL", split = ",",
                description = "Further input columns (their past values only).")
        private List<String> covariates;

        @Option(names = "--time-column", paramLabel = "COL",
                description = "Time column. Default: the first column if it is named time, date, year, month, "
                        + "week, day, timestamp, datetime or ds.")
        private String time;

        @Option(names = "--window", paramLabel = "W", description = "Rows of history per forecast. Default: ${DEFAULT-VALUE}.")
        private Integer window;

        @Option(names = "--horizon", paramLabel = "K", description = "Rows forecast at once. Default: ${DEFAULT-VALUE}.")
        private Integer horizon;

        @Option(names = "--season", paramLabel = "M",
                description = "Seasonal period in rows (seasonal naive baseline, MASE). Default: ${DEFAULT-VALUE}.")
        private Integer season;

        @Option(names = "--fill", paramLabel = "none|previous|linear|zero",
                description = "How missing cells are filled. Default: ${DEFAULT-VALUE}.")
        private String fill;

        @Option(names = "--model", paramLabel = "auto|lstm|gru",
                description = "auto: train an LSTM and a GRU and serve whichever method, network or baseline, has "
                        + "the lowest validation error; lstm or gru: train and serve that network. Default: ${DEFAULT-VALUE}.")
        private String model;

        @Option(names = "--hidden", paramLabel = "N", description = "Units per layer. Default: ${DEFAULT-VALUE}.")
        private Integer hidden;

        @Option(names = "--layers", paramLabel = "N", description = "Recurrent layers. Default: ${DEFAULT-VALUE}.")
        private Integer layers;

        @Option(names = "--dropout", paramLabel = "P", description = "Dropout in training. Default: ${DEFAULT-VALUE}.")
        private Double dropout;

        @Option(names = "--batch", paramLabel = "B", description = "Windows per step. Default: ${DEFAULT-VALUE}.")
        private Integer batch;

        @Option(names = "--epochs", paramLabel = "N", description = "The most epochs. Default: ${DEFAULT-VALUE}.")
        private Integer epochs;

        @Option(names = "--time", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "Training-time budget, e.g. 90s, 4m (without validation time; per network). "
                        + "Default: none.")
        private Double timeBudget;

        @Option(names = "--patience", paramLabel = "N",
                description = "Epochs without a lower validation loss before stopping. Default: ${DEFAULT-VALUE}.")
        private Integer patience;

        @Option(names = "--lr", paramLabel = "RATE", description = "Adam's learning rate. Default: ${DEFAULT-VALUE}.")
        private Double lr;

        @Option(names = "--on-divergence", paramLabel = "stop|skip|rollback",
                description = "A training step whose loss, a gradient or an update is NaN or infinite: stop, skip its "
                        + "update, or roll back to the last validation with the learning rate halved. "
                        + "Default: ${DEFAULT-VALUE}.")
        private String onDivergence;

        @Option(names = "--max-ar-order", paramLabel = "P", description = "Largest AR order tried. Default: ${DEFAULT-VALUE}.")
        private Integer maxAr;

        @Option(names = "--validation", paramLabel = "FRACTION",
                description = "Share of rows for validation. Default: ${DEFAULT-VALUE}.")
        private Double validation;

        @Option(names = "--test", paramLabel = "FRACTION", description = "Share of rows for test. Default: ${DEFAULT-VALUE}.")
        private Double test;

        @Option(names = "--interval", paramLabel = "LEVEL",
                description = "Coverage of the prediction interval. Default: ${DEFAULT-VALUE}.")
        private Double interval;

        @Option(names = "--seed", paramLabel = "N", description = "Seed. Default: ${DEFAULT-VALUE}.")
        private Long seed;

        @Option(names = "--threads", paramLabel = "N", description = "Threads (0 = one per processor). Default: ${DEFAULT-VALUE}.")
        private Integer threads;

        @Option(names = "--runs-dir", paramLabel = "DIR", defaultValue = RunFolders.DEFAULT_RUNS,
                description = "Folder of the run folders. Default: ${DEFAULT-VALUE}.")
        private Path runsDir;

        @Option(names = "--run-name", paramLabel = "NAME", description = "Run folder name. Default: the start time.")
        private String runName;

        @Option(names = "--plot", paramLabel = "FILE",
                description = "PNG of history, forecasts and interval. Default: forecast.png in the run folder.")
        private Path plot;

        /** Creates the command. */
        public Train() {
        }

        /** The defaults of the options: those of {@link ForecastSettings.Builder}. */
        public static final class Defaults implements picocli.CommandLine.IDefaultValueProvider {
            /** Creates the provider (picocli instantiates it reflectively). */
            public Defaults() {
            }

            @Override
            public String defaultValue(picocli.CommandLine.Model.ArgSpec argSpec) {
                if (!(argSpec instanceof picocli.CommandLine.Model.OptionSpec o)) {
                    return null;
                }
                ForecastSettings d = ForecastSettings.builder().targets(List.of("y")).build();
                ForecastSpec sp = d.spec();
                return switch (o.longestName()) {
                    case "--window" -> Integer.toString(sp.window());
                    case "--horizon" -> Integer.toString(sp.horizon());
                    case "--season" -> Integer.toString(sp.season());
                    case "--fill" -> sp.fill().id();
                    case "--model" -> d.networks().size() > 1 ? "auto" : d.networks().get(0).id();
                    case "--hidden" -> Integer.toString(d.hiddenSize());
                    case "--layers" -> Integer.toString(d.layers());
                    case "--dropout" -> Double.toString(d.dropout());
                    case "--batch" -> Integer.toString(d.batch());
                    case "--epochs" -> Integer.toString(d.epochs());
                    case "--patience" -> Integer.toString(d.patience());
                    case "--lr" -> Double.toString(d.learningRate());
                    case "--on-divergence" -> d.onDivergence().id();
                    case "--max-ar-order" -> Integer.toString(d.maxArOrder());
                    case "--validation" -> Double.toString(sp.validationFraction());
                    case "--test" -> Double.toString(sp.testFraction());
                    case "--interval" -> Double.toString(sp.intervalLevel());
                    case "--seed" -> Long.toString(d.seed());
                    case "--threads" -> Integer.toString(d.threads());
                    default -> null;
                };
            }
        }

        @Override
        protected int execute(Output out) throws Exception {
            OptionChecks.outputFile("--plot", plot, data, "the --data file");
            Table table = Tables.read(data);
            ForecastSettings.Builder b = ForecastSettings.builder();
            String timeColumn = time != null ? time : Series.timeColumnOf(table);
            if (time != null) {
                table.column(time);   // refused naming the columns there are
            }
            b.timeColumn(timeColumn);
            b.targets(targets != null ? targets : Series.defaultTargets(table, timeColumn, covariates));
            b.covariates(covariates == null ? List.of() : covariates);
            if (window != null) {
                b.window(window);
            }
            if (horizon != null) {
                b.horizon(horizon);
            }
            if (season != null) {
                b.season(season);
            }
            if (fill != null) {
                b.fill(OptionChecks.parsed("--fill", () -> FillPolicy.fromId(fill)));
            }
            if (model != null) {
                OptionChecks.parsed("--model", () -> b.model(model));
            }
            if (hidden != null) {
                b.hiddenSize(hidden);
            }
            if (layers != null) {
                b.layers(layers);
            }
            if (dropout != null) {
                b.dropout(dropout);
            }
            if (batch != null) {
                b.batch(batch);
            }
            if (epochs != null) {
                b.epochs(epochs);
            }
            if (timeBudget != null) {
                b.timeSeconds(timeBudget);
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
            if (maxAr != null) {
                b.maxArOrder(maxAr);
            }
            if (validation != null) {
                b.validationFraction(validation);
            }
            if (test != null) {
                b.testFraction(test);
            }
            if (interval != null) {
                b.intervalLevel(interval);
            }
            if (seed != null) {
                b.seed(seed);
            }
            if (threads != null) {
                b.threads(threads);
            }
            ForecastSettings settings = b.build();
            Series series = Series.of(table, settings.spec());
            ForecastSpec.Split split = Forecasting.check(settings, series);
            Path run = RunFolders.create(runsDir, runName);
            out.notice("forecasting %s of %s: %d rows (train %d, validation %d, test %d), window %d, horizon %d",
                    String.join(", ", settings.spec().targets()), data, series.rows(), split.trainEnd(),
                    split.validationEnd() - split.trainEnd(), split.rows() - split.validationEnd(),
                    settings.spec().window(), settings.spec().horizon());
            long t0 = System.nanoTime();
            ForecastModel<float[]> fm;
            try {
                fm = Forecasting.train(settings, series, run, Precision.F32, progress(out),
                        new DivergenceNotices(out));
            } catch (RuntimeException | java.io.IOException e) {
                RunFolders.removeUnfinished(run);
                throw e;
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            out.notice("trained in %.1f s; run: %s", seconds, run);
            report(out, fm, series, plot != null ? plot : run.resolve("forecast.png"), seconds);
            return ExitCodes.OK;
        }
    }

    /** {@code recur forecast eval}. */
    @Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Score a trained forecaster and the baselines on the test rows of a file.")
    public static final class Eval extends RecurCommand {
        @Mixin
        private CheckpointOptions checkpointOptions;

        @Option(names = "--data", paramLabel = "FILE", required = true,
                description = "The file, with the columns the forecaster was trained on.")
        private Path data;

        @Option(names = "--plot", paramLabel = "FILE", description = "Write the plot here too.")
        private Path plot;

        /** Creates the command. */
        public Eval() {
        }

        @Override
        protected int execute(Output out) throws Exception {
            OptionChecks.outputFile("--plot", plot, data, "the --data file");
            ForecastModel<float[]> fm = ForecastModel.load(checkpointOptions.run(), Precision.F32);
            report(out, fm, Series.read(data, fm.spec()), plot, Double.NaN);
            return ExitCodes.OK;
        }
    }

    /** {@code recur forecast predict}. */
    @Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Forecast the rows after the end of a file (or at every test row) with the served "
                    + "method and its interval, as CSV.")
    public static final class Predict extends RecurCommand {
        @Mixin
        private CheckpointOptions checkpointOptions;

        @Option(names = "--data", paramLabel = "FILE", required = true,
                description = "History with the forecaster's columns.")
        private Path data;

        @Option(names = "--at", paramLabel = "end|test", defaultValue = "end",
                description = "end: the horizon after the last row; test: every origin of the test rows, with "
                        + "the actual values (the figures of eval). Default: ${DEFAULT-VALUE}.")
        private String at;

        @Mixin
        private RowsOutOption outOption;

        /** Creates the command. */
        public Predict() {
        }

        @Override
        protected int execute(Output out) throws Exception {
            OptionChecks.outputFile("--out", outOption.file, data, "the --data file");
            ForecastModel<float[]> fm = ForecastModel.load(checkpointOptions.run(), Precision.F32);
            ForecastSpec spec = fm.spec();
            Series series = Series.read(data, spec);
            int[] origins;
            switch (at) {
                case "end" -> origins = new int[] {series.rows()};
                case "test" -> origins = Forecasting.testOrigins(spec, fm.testSplit(series));
                default -> throw new IllegalArgumentException("--at: expected end or test, found '" + at + "'");
            }
            if (origins[0] < spec.window()) {
                throw new IllegalArgumentException(data + ": expected at least " + spec.window() + " rows of history "
                        + "(the window), found " + series.rows());
            }
            double[][][] f = fm.forecasts(series, origins);
            ResultRows rows = new ResultRows(List.of("origin", "step", "time", "target", "method", "forecast",
                    "lower", "upper", "actual"));
            for (int k = 0; k < f.length; k++) {
                double[] hw = fm.interval(k).halfWidth();
                for (int i = 0; i < origins.length; i++) {
                    for (int s = 0; s < spec.horizon(); s++) {
                        // origin: the time of the last row seen; time: that of the row forecast, if present
                        int row = origins[i] + s;
                        rows.add(series.time(origins[i] - 1), s + 1, row < series.rows() ? series.time(row) : null,
                                spec.targets().get(k), fm.method(), f[k][i][s], f[k][i][s] - hw[s],
                                f[k][i][s] + hw[s], row < series.rows() ? series.values()[k][row] : null);
                    }
                }
            }
            rows.write(out, outOption.file, String.format(Locale.ROOT, "forecasts: %s (%d rows, method %s)",
                    outOption.file, rows.size(), fm.method()));
            return ExitCodes.OK;
        }
    }


    private static TrainingListener progress(Output out) {
        return new TrainingListener() {
            @Override
            public void onValidation(TrainingEvents.Validation v) {
                out.progress("step %d: validation loss %.5f%s", v.step(), v.result().loss(), v.best() ? " *" : "");
            }
        };
    }

    /** Scores every method on the test rows, prints the table, and draws the plot. */
    private static void report(Output out, ForecastModel<float[]> fm, Series series, Path plot, double seconds)
            throws java.io.IOException {
        ForecastReport r = Forecasting.evaluate(fm, series);
        if (plot != null) {
            ForecastChart.write(plot, fm, series, r);
        }
        if (out.isJson()) {
            Map<String, Object> m = new LinkedHashMap<>(r.toMap());
            if (!Double.isNaN(seconds)) {
                m.put("train_seconds", seconds);
            }
            if (plot != null) {
                m.put("plot", plot.toString());
            }
            out.record(m);
            return;
        }
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "test: %d forecasts of %d step(s) from %s (rows %d..%d%s)%n",
                r.testOrigins(), r.spec().horizon(), r.source(), r.split().validationEnd(), r.split().rows() - 1,
                r.trainingData() ? "" : "; not the training file: the rows after its validation rows"));
        for (int k = 0; k < r.spec().targets().size(); k++) {
            t.append(String.format(Locale.ROOT, "%-16s %10s %10s %8s %7s  %s%n", r.spec().targets().get(k), "MAE",
                    "RMSE", "sMAPE%", "MASE", "RMSE by step"));
            for (Map.Entry<String, List<ForecastReport.Scores>> e : r.methods().entrySet()) {
                ForecastReport.Scores s = e.getValue().get(k);
                t.append(String.format(Locale.ROOT, "  %-14s %10.4g %10.4g %8.3f %7.3f  %s%n",
                        e.getKey() + (e.getKey().equals(r.method()) ? " *" : ""), s.mae(), s.rmse(), s.smape(),
                        s.mase(), steps(s.rmseSteps())));
            }
            t.append("  ").append(r.verdict(k)).append(System.lineSeparator());
            t.append(String.format(Locale.ROOT, "  %.0f%% interval of %s: coverage %.3f on the test rows%n",
                    100 * r.spec().intervalLevel(), r.method(), r.coverage()[k]));
        }
        t.append(r.selection());
        if (plot != null) {
            t.append(System.lineSeparator()).append("plot: ").append(plot);
        }
        out.value("report", t.toString());
    }

    private static String steps(double[] v) {
        if (v.length <= 1) {
            return "";
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            if (v.length > 6 && i >= 3 && i < v.length - 2) {
                if (i == 3) {
                    s.append(" …");
                }
                continue;
            }
            s.append(i == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.4g", v[i]));
        }
        return s.toString();
    }
}
