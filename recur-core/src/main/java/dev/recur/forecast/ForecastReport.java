package dev.recur.forecast;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every method of a forecaster measured on the same test rows: the network and each baseline, per
 * target, with the served method's interval coverage. Immutable and thread-safe.
 *
 * @param source            the file measured on
 * @param trainingData      whether it is the file the forecaster was trained on
 * @param spec              the data settings
 * @param split             the rows of each part
 * @param testOrigins       the number of test forecasts (origins) per target
 * @param method            the served method
 * @param network           the network's name
 * @param selected          whether the served method was selected by validation score
 * @param validationScores  each method's validation score (RMSE / training deviation, mean over targets)
 * @param methods           per method, the scores of each target (in the spec's target order)
 * @param coverage          per target, the share of test values inside the served method's interval
 */
public record ForecastReport(String source, boolean trainingData, ForecastSpec spec, ForecastSpec.Split split,
                             int testOrigins, String method, String network, boolean selected,
                             Map<String, Double> validationScores,
                             Map<String, List<Scores>> methods, double[] coverage) {

    /**
     * Keeps copies.
     *
     * @param source           the file
     * @param trainingData     whether it is the training file
     * @param spec             the spec
     * @param split            the split
     * @param testOrigins      the number of test origins
     * @param method           the served method
     * @param network          the network
     * @param selected         whether selected by validation score
     * @param validationScores the validation scores
     * @param methods          the test scores
     * @param coverage         the coverage
     */
    public ForecastReport {
        validationScores = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(validationScores));
        methods = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(methods));
        coverage = coverage.clone();
    }

    /** Per target, the share of test values inside the served method's interval. */
    @Override
    public double[] coverage() {
        return coverage.clone();
    }

    /**
     * One method's errors on one target's test forecasts (every origin, every step).
     *
     * @param mae       mean absolute error
     * @param rmse      root mean squared error
     * @param smape     symmetric MAPE in percent (M4's definition)
     * @param mase      MAE over the in-sample MAE of the seasonal naive forecast on the training rows
     * @param rmseSteps the RMSE of each forecast step {@code 1..horizon}
     */
    public record Scores(double mae, double rmse, double smape, double mase, double[] rmseSteps) {

        /**
         * Keeps a copy of the per-step errors.
         *
         * @param mae       mean absolute error
         * @param rmse      root mean squared error
         * @param smape     sMAPE in percent
         * @param mase      MASE
         * @param rmseSteps the RMSE of each step
         */
        public Scores {
            rmseSteps = rmseSteps.clone();
        }

        /** The RMSE of each forecast step. */
        @Override
        public double[] rmseSteps() {
            return rmseSteps.clone();
        }

        /**
         * Measures forecasts against the actual values.
         *
         * @param actual   {@code [origin][step]}
         * @param forecast {@code [origin][step]}
         * @param training the target's training rows (MASE's scale)
         * @param season   the season of MASE's scale (1: the naive forecast)
         * @return the scores
         */
        public static Scores of(double[][] actual, double[][] forecast, double[] training, int season) {
            double[] a = Forecasting.flat(actual);
            double[] f = Forecasting.flat(forecast);
            int h = actual[0].length;
            double[] steps = new double[h];
            for (int s = 0; s < h; s++) {
                double[] as = new double[actual.length];
                double[] fs = new double[actual.length];
                for (int i = 0; i < actual.length; i++) {
                    as[i] = actual[i][s];
                    fs[i] = forecast[i][s];
                }
                steps[s] = ForecastMetrics.rmse(as, fs);
            }
            return new Scores(ForecastMetrics.mae(a, f), ForecastMetrics.rmse(a, f), ForecastMetrics.smape(a, f),
                    ForecastMetrics.mase(a, f, training, season), steps);
        }

        /** The scores as JSON values. */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("mae", mae);
            m.put("rmse", rmse);
            m.put("smape", smape);
            m.put("mase", mase);
            m.put("rmse_by_step", java.util.Arrays.stream(rmseSteps).boxed().toList());
            return m;
        }
    }

    /**
     * The best baseline on target {@code k} by test RMSE.
     *
     * @param k the target
     * @return its name
     */
    public String bestBaseline(int k) {
        String best = null;
        for (Map.Entry<String, List<Scores>> e : methods.entrySet()) {
            if (!e.getKey().equals(network) && (best == null || e.getValue().get(k).rmse()
                    < methods.get(best).get(k).rmse())) {
                best = e.getKey();
            }
        }
        return best;
    }

    /**
     * Whether the network beats every baseline on target {@code k}'s test RMSE, in one sentence,
     * e.g. {@code "a baseline beats the network: gru test RMSE 1.818 vs ar 0.7673 (+136.9%)"}.
     *
     * @param k the target
     * @return the sentence
     */
    public String verdict(int k) {
        String baseline = bestBaseline(k);
        double net = methods.get(network).get(k).rmse();
        double base = methods.get(baseline).get(k).rmse();
        return String.format(java.util.Locale.ROOT, "%s: %s test RMSE %.4g vs %s %.4g (%+.1f%%)",
                net <= base ? "the network beats every baseline" : "a baseline beats the network", network, net,
                baseline, base, 100 * (net - base) / base);
    }

    /**
     * What served and why, in one sentence: the served method's validation score beside the next
     * best (when selection was on), or beside the best other method (when the network was asked
     * for), e.g. {@code "ar served: validation score 0.0552, 12.7% below gru's 0.0632"}.
     *
     * @return the sentence
     */
    public String selection() {
        double own = validationScores.get(method);
        Map.Entry<String, Double> other = validationScores.entrySet().stream()
                .filter(e -> !e.getKey().equals(method)).min(Map.Entry.comparingByValue()).orElse(null);
        String head = method + " served (" + (selected ? "lowest validation score" : "asked for") + "): score "
                + String.format(java.util.Locale.ROOT, "%.4f", own);
        if (other == null) {
            return head;
        }
        double change = 100 * (own - other.getValue()) / other.getValue();
        return head + String.format(java.util.Locale.ROOT, ", %.1f%% %s %s's %.4f", Math.abs(change),
                change <= 0 ? "below" : "above", other.getKey(), other.getValue())
                + " [validation RMSE / training deviation]";
    }

    /** The report as JSON values: per target, every method's scores, and the served method's coverage. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", source);
        m.put("training_file", trainingData);
        m.put("rows", Map.of("train", split.trainEnd(), "validation", split.validationEnd() - split.trainEnd(),
                "test", split.rows() - split.validationEnd()));
        m.put("test_forecasts", testOrigins);
        m.put("horizon", spec.horizon());
        m.put("method", method);
        m.put("selected", selected);
        m.put("network", network);
        m.put("validation_scores", new LinkedHashMap<>(validationScores));
        List<Object> targets = new ArrayList<>();
        for (int k = 0; k < spec.targets().size(); k++) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("target", spec.targets().get(k));
            Map<String, Object> byMethod = new LinkedHashMap<>();
            for (Map.Entry<String, List<Scores>> e : methods.entrySet()) {
                byMethod.put(e.getKey(), e.getValue().get(k).toMap());
            }
            t.put("test", byMethod);
            t.put("interval_level", spec.intervalLevel());
            t.put("interval_coverage", coverage[k]);
            targets.add(t);
        }
        m.put("targets", targets);
        return m;
    }
}
