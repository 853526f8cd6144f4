package dev.recur.testing;

import dev.recur.classify.Classifier;
import dev.recur.classify.LabeledData;
import dev.recur.forecast.ForecastModel;
import dev.recur.forecast.Series;
import dev.recur.tensor.Precision;
import java.nio.file.Path;

/**
 * Loads a trained forecaster or classifier in a fresh JVM and prints its predictions' bits, one
 * {@code Double.doubleToRawLongBits} in hex per line: {@code forecast RUN CSV} (every test forecast)
 * or {@code classify RUN CSV} (every class probability of every example, sequences in long form).
 */
public final class PredictionProbe {

    private PredictionProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path run = Path.of(args[1]);
        Path data = Path.of(args[2]);
        if (args[0].equals("forecast")) {
            ForecastModel<float[]> m = ForecastModel.load(run, Precision.F32);
            Series s = Series.read(data, m.spec());
            for (double[][] target : m.forecasts(s, testOrigins(m, s))) {
                for (double[] origin : target) {
                    for (double v : origin) {
                        System.out.println(Long.toHexString(Double.doubleToRawLongBits(v)));
                    }
                }
            }
        } else {
            Classifier<float[]> c = Classifier.load(run, Precision.F32);
            LabeledData d = LabeledData.sequences(data, "id", "step", null, "label", false);
            for (double[] p : c.probabilities(c.examples(d, false))) {
                for (double v : p) {
                    System.out.println(Long.toHexString(Double.doubleToRawLongBits(v)));
                }
            }
        }
    }

    /** The test origins of a forecaster on a series. */
    public static int[] testOrigins(ForecastModel<?> m, Series s) {
        return dev.recur.forecast.Forecasting.testOrigins(m.spec(), m.testSplit(s));
    }

    /** Runs the probe in a fresh JVM and returns the lines it printed. */
    public static java.util.List<String> run(String kind, Path run, Path data) throws Exception {
        java.util.List<String> cmd = java.util.List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                PredictionProbe.class.getName(), kind, run.toString(), data.toString());
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        java.util.List<String> lines = new java.util.ArrayList<>();
        try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                java.nio.charset.StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                lines.add(line);
            }
        }
        if (!p.waitFor(5, java.util.concurrent.TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new AssertionError("probe failed: " + lines);
        }
        return lines;
    }

    /** The bits of values as the probe prints them. */
    public static java.util.List<String> bits(double[] values) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (double v : values) {
            out.add(Long.toHexString(Double.doubleToRawLongBits(v)));
        }
        return out;
    }
}
