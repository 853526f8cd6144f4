package dev.recur.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.nn.recurrent.CellKind;
import dev.recur.tensor.Precision;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The forecasting pipeline end to end on small series. */
class ForecastingTest {

    @TempDir
    Path dir;

    private Path csv(String name, double[] values) throws IOException {
        StringBuilder s = new StringBuilder("t,y\n");
        for (int i = 0; i < values.length; i++) {
            s.append(i).append(',').append(values[i]).append('\n');
        }
        Path f = dir.resolve(name);
        Files.writeString(f, s, StandardCharsets.UTF_8);
        return f;
    }

    /**
     * Mackey–Glass (τ = 17, sampled every 6 time units as in the chaotic-series literature) has
     * nonlinear dynamics that a linear AR(p) cannot follow: a small LSTM's test RMSE is lower at the
     * first and the last of 10 steps.
     */
    @Test
    void anLstmBeatsArOnMackeyGlassAtOneAndTenSteps() throws IOException {
        double[] x = MackeyGlass.generate(1000, 17, 0.1, 60, 1.2, 50);
        ForecastSettings s = ForecastSettings.builder().timeColumn("t").targets(List.of("y")).window(24)
                .horizon(10).networks(List.of(CellKind.LSTM)).select(false).hiddenSize(32).epochs(40).patience(8)
                .learningRate(3e-3).maxArOrder(24).seed(3).threads(2).build();
        Series series = Series.read(csv("mg.csv", x), s.spec());
        ForecastModel<float[]> m = Forecasting.train(s, series, dir.resolve("run"), Precision.F32);
        ForecastReport r = Forecasting.evaluate(m, series);
        double[] lstm = r.methods().get("lstm").get(0).rmseSteps();
        double[] ar = r.methods().get("ar").get(0).rmseSteps();
        assertTrue(lstm[0] < ar[0], "1 step: lstm " + lstm[0] + " vs ar " + ar[0]);
        assertTrue(lstm[9] < ar[9], "10 steps: lstm " + lstm[9] + " vs ar " + ar[9]);
    }

    /** The served forecasts at the test origins give eval's figures, and a reloaded model the same forecasts. */
    @Test
    void predictionsReproduceTheReportAndSurviveReloading() throws Exception {
        double[] y = new double[240];
        java.util.Random noise = new java.util.Random(5);
        for (int t = 0; t < y.length; t++) {
            y[t] = 10 + Math.sin(2 * Math.PI * t / 12) + 0.01 * t + 0.3 * noise.nextGaussian();
        }
        ForecastSettings s = ForecastSettings.builder().timeColumn("t").targets(List.of("y")).window(12).horizon(3)
                .season(12).hiddenSize(8).epochs(5).patience(5).threads(1).build();
        Series series = Series.read(csv("s.csv", y), s.spec());
        ForecastModel<float[]> m = Forecasting.train(s, series, dir.resolve("run2"), Precision.F32);
        ForecastReport r = Forecasting.evaluate(m, series);
        int[] test = Forecasting.testOrigins(m.spec(), r.split());
        double[][][] f = m.forecasts(series, test);
        double[][] actual = Backtest.actuals(series.values()[0], test, 3);
        assertEquals(r.methods().get(r.method()).get(0).rmse(),
                ForecastMetrics.rmse(Forecasting.flat(actual), Forecasting.flat(f[0])), 0.0);
        assertEquals(dev.recur.testing.PredictionProbe.bits(Forecasting.flat(f[0])),
                dev.recur.testing.PredictionProbe.run("forecast", dir.resolve("run2"), dir.resolve("s.csv")),
                "a fresh JVM forecasts the same bits");
        ForecastModel<float[]> again = ForecastModel.load(dir.resolve("run2"), Precision.F32.withThreads(2));
        for (String method : m.methods()) {
            assertArrayEquals(Forecasting.flat(m.forecasts(method, series, test)[0]),
                    Forecasting.flat(again.forecasts(method, series, test)[0]), 0.0, method);
        }
        try (var left = Files.list(dir)) {
            assertEquals(List.of(), left.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".run2"))
                    .toList(), "the candidates' folders are gone");
        }
    }

    @Test
    void aConstantTargetAndTooFewRowsAreRefusedNamingTheFile() throws IOException {
        ForecastSettings s = ForecastSettings.builder().timeColumn("t").targets(List.of("y")).window(5).build();
        double[] flat = new double[100];
        java.util.Arrays.fill(flat, 4);
        Path run = dir.resolve("never");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Forecasting.train(s,
                Series.read(csv("flat.csv", flat), s.spec()), run, Precision.F32));
        assertTrue(e.getMessage().contains("flat.csv") && e.getMessage().contains("constant"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Forecasting.train(s,
                Series.read(csv("short.csv", new double[] {1, 2, 3, 4, 5, 6}), s.spec()), run, Precision.F32));
        assertTrue(e.getMessage().startsWith(dir.resolve("short.csv") + ": expected at least"), e.getMessage());
        assertFalse(Files.exists(run));
    }

    /**
     * Nothing after the training rows shapes what is fitted on them: changing every validation and
     * test value leaves the normalisation and the AR(p) fit of the training rows as they were.
     */
    @Test
    void theValidationAndTestRowsDoNotLeakIntoWhatIsFitted() throws IOException {
        java.util.Random noise = new java.util.Random(3);
        double[] y = new double[160];
        for (int t = 0; t < y.length; t++) {
            y[t] = Math.sin(t * 0.4) + 0.3 * noise.nextGaussian();
        }
        double[] changed = y.clone();
        int trainEnd = 160 - 2 * (int) Math.round(160 * 0.15);
        for (int t = trainEnd; t < changed.length; t++) {
            changed[t] = 50 + 10 * noise.nextGaussian();
        }
        ForecastSettings s = ForecastSettings.builder().timeColumn("t").targets(List.of("y")).window(8)
                .model("lstm").hiddenSize(4).epochs(1).maxArOrder(3).threads(1).build();
        ForecastModel<float[]> a = Forecasting.train(s, Series.read(csv("a.csv", y), s.spec()), dir.resolve("a"),
                Precision.F32);
        ForecastModel<float[]> b = Forecasting.train(s, Series.read(csv("b.csv", changed), s.spec()),
                dir.resolve("b"), Precision.F32);
        assertEquals(a.testSplit(Series.read(csv("a.csv", y), s.spec())).trainEnd(), trainEnd);
        var pa = dev.recur.checkpoint.Checkpoint.loadModel(dir.resolve("a"), Precision.F32, true).preprocessing();
        var pb = dev.recur.checkpoint.Checkpoint.loadModel(dir.resolve("b"), Precision.F32, true).preprocessing();
        assertArrayEquals(pa.normalization().mean(), pb.normalization().mean(), 0.0);
        assertArrayEquals(pa.normalization().std(), pb.normalization().std(), 0.0);
        // AR's order is chosen on the validation rows, so compare the fit of one order on the training rows
        assertEquals(ArModel.fit(java.util.Arrays.copyOf(y, trainEnd), 3),
                ArModel.fit(java.util.Arrays.copyOf(changed, trainEnd), 3));
    }

    /**
     * On a lightly noisy AR(2) series, which least squares fits almost exactly and two epochs of a
     * 4-unit network do not, auto serves the AR(p) baseline and says by how much it led.
     */
    @Test
    void autoServesABaselineThatWinsOnValidation() throws IOException {
        java.util.Random noise = new java.util.Random(11);
        double[] y = new double[300];
        y[1] = 1;
        for (int t = 2; t < y.length; t++) {
            y[t] = 1.6 * y[t - 1] - 0.9 * y[t - 2] + 0.1 * noise.nextGaussian();
        }
        ForecastSettings s = ForecastSettings.builder().timeColumn("t").targets(List.of("y")).window(8)
                .hiddenSize(4).epochs(2).patience(2).maxArOrder(4).threads(1).build();
        Series series = Series.read(csv("ar2.csv", y), s.spec());
        ForecastModel<float[]> m = Forecasting.train(s, series, dir.resolve("auto"), Precision.F32);
        assertEquals("ar", m.method(), m.validationScores().toString());
        ForecastReport r = Forecasting.evaluate(m, series);
        assertTrue(r.selection().startsWith("ar served (lowest validation score)") && r.selection().contains("below"),
                r.selection());
    }

    @Test
    void aSeasonAsLongAsTheTrainingRowsIsRefusedBeforeTraining() throws IOException {
        ForecastSettings s = ForecastSettings.builder().timeColumn("t").targets(List.of("y")).window(5).season(80)
                .build();
        double[] y = new double[100];
        for (int t = 0; t < y.length; t++) {
            y[t] = t % 7;
        }
        Series series = Series.read(csv("season.csv", y), s.spec());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Forecasting.check(s, series));
        assertTrue(e.getMessage().startsWith(dir.resolve("season.csv") + ": expected a season shorter than the 70 "
                + "training rows"), e.getMessage());
    }
}
