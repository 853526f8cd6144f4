package dev.recur.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ArModel}: the least-squares fit and the recursive forecast against NumPy
 * ({@code numpy.linalg.lstsq}; the numbers come from {@code tools/gen_ar_reference.py}, which also
 * made the series), order selection on a known AR(2) process, and refusals.
 */
class ArModelTest {

    // tools/gen_ar_reference.py: an AR(2) process, 40 points, rounded to 4 decimals
    private static final double[] SERIES = {1.0, 0.5, -0.2049, -0.4667, -0.1947, 0.4521, -0.2891, -0.0353, 0.8064,
        1.0736, -0.0118, 0.4446, 0.5446, 0.9987, 0.6112, 0.754, 0.2862, 0.4075, 0.9764, 0.8072, 0.8651, 0.6007,
        0.4291, 1.2716, 1.1722, 0.992, 1.1659, -0.0722, 0.3435, 1.271, 0.9093, -0.0908, -0.0348, 0.639, 0.133,
        1.1176, 0.6541, -0.4501, -0.5728, -0.1833};

    // [intercept, φ_1 .. φ_p] and the 5-step recursive forecast after SERIES, from numpy.linalg.lstsq
    private static final double[] AR1_BETA = {0.2570236954728916, 0.4039788483230277};
    private static final double[] AR1_FORECAST = {0.18297437257528065, 0.3309414717784821, 0.3907170501042906,
        0.4148651193941936, 0.42462042861515337};
    private static final double[] AR3_BETA = {0.2686680674065654, 0.5285213081467195, -0.2752585776884989,
        0.16630801399608258};
    private static final double[] AR3_FORECAST = {0.25460298782360713, 0.3584248384625073, 0.3575373166339961,
        0.4013171637242261, 0.44196644956415465};

    @Test
    void theFitMatchesNumpyLeastSquares() {
        check(ArModel.fit(SERIES, 1), AR1_BETA);
        check(ArModel.fit(SERIES, 3), AR3_BETA);
    }

    private static void check(ArModel m, double[] beta) {
        assertEquals(beta[0], m.intercept(), 1e-9, "intercept");
        assertArrayEquals(Arrays.copyOfRange(beta, 1, beta.length), m.coefficients(), 1e-9, "coefficients");
        assertEquals(beta.length - 1, m.order());
    }

    @Test
    void theRecursiveForecastMatchesNumpy() {
        assertArrayEquals(AR1_FORECAST, ArModel.fit(SERIES, 1).forecast(SERIES, 5), 1e-9);
        assertArrayEquals(AR3_FORECAST, ArModel.fit(SERIES, 3).forecast(SERIES, 5), 1e-9);
    }

    @Test
    void forecastsFeedBackByHand() {
        // y = 1 + 0.5·y_{t−1} − 0.25·y_{t−2}, history (…, 4, 2): 1 + 1 − 1 = 1; 1 + 0.5 − 0.5 = 1; 1 + 0.5 − 0.25
        ArModel m = new ArModel(1, new double[] {0.5, -0.25});
        assertEquals("AR(2)", m.name());
        assertArrayEquals(new double[] {1, 1, 1.25}, m.forecast(new double[] {9, 4, 2}, 3), 0);
        // only the last p values matter
        assertArrayEquals(new double[] {1, 1, 1.25}, m.forecast(new double[] {4, 2}, 3), 0);
    }

    @Test
    void aNoiselessArProcessIsRecoveredExactly() {
        // y_t = 0.5 + 0.9·y_{t−1} − 0.3·y_{t−2} from y = 1, −2: the least-squares residuals are zero
        double[] y = new double[30];
        y[0] = 1;
        y[1] = -2;
        for (int t = 2; t < y.length; t++) {
            y[t] = 0.5 + 0.9 * y[t - 1] - 0.3 * y[t - 2];
        }
        ArModel m = ArModel.fit(y, 2);
        assertEquals(0.5, m.intercept(), 1e-12);
        assertArrayEquals(new double[] {0.9, -0.3}, m.coefficients(), 1e-12);
    }

    /** y_t = 0.2 + 1.2·y_{t−1} − 0.6·y_{t−2} + 0.5·ε_t, ε ~ N(0, 1) from the seed; 100 burn-in values dropped. */
    private static double[] ar2(long seed, int n) {
        Random random = new Random(seed);
        double[] y = new double[100 + n];
        for (int t = 2; t < y.length; t++) {
            y[t] = 0.2 + 1.2 * y[t - 1] - 0.6 * y[t - 2] + 0.5 * random.nextGaussian();
        }
        return Arrays.copyOfRange(y, 100, y.length);
    }

    @Test
    void selectFindsTheOrderOfAnAr2Process() {
        double[] y = ar2(0, 700);
        double[] train = Arrays.copyOfRange(y, 0, 200);
        ArModel m = ArModel.select(train, Arrays.copyOfRange(y, 200, 700), 5);
        assertEquals(2, m.order());
        assertEquals(ArModel.fit(train, 2), m, "the selected model is the fit on the training part");
        assertArrayEquals(new double[] {1.2, -0.6}, m.coefficients(), 0.15);
    }

    @Test
    void selectPrefersTheTrueOrderOverManySeries() {
        // Validation error, like AIC, is no consistent order estimator: a larger order wins now and
        // then by chance (about a third of these series). The true order must still be the usual
        // choice, and too small an order, which is worse by far more than chance, never.
        int[] chosen = new int[6];
        for (long seed = 0; seed < 50; seed++) {
            double[] y = ar2(seed, 700);
            chosen[ArModel.select(Arrays.copyOfRange(y, 0, 200), Arrays.copyOfRange(y, 200, 700), 5).order()]++;
        }
        assertEquals(0, chosen[1], Arrays.toString(chosen));
        for (int p = 3; p <= 5; p++) {
            assertTrue(chosen[2] > 2 * chosen[p], Arrays.toString(chosen));
        }
        assertTrue(chosen[2] > 25, Arrays.toString(chosen));
    }

    @Test
    void selectMeasuresOneStepErrorsWithTheValidationValuesSeenSoFar() {
        // validation = the model's own one-step forecasts from train + validation so far: error 0 for AR(1)
        double[] train = {0.3, 1.1, -0.4, 0.9, 0.2, -0.7, 1.3, 0.1, 0.6, -0.2, 0.8, 0.4};
        ArModel ar1 = ArModel.fit(train, 1);
        double[] validation = new double[6];
        double last = train[train.length - 1];
        for (int j = 0; j < validation.length; j++) {
            validation[j] = ar1.intercept() + ar1.coefficients()[0] * last;
            last = validation[j];
        }
        assertEquals(ar1, ArModel.select(train, validation, 3), "the exact one-step forecaster (RMSE 0) is chosen");
    }

    @Test
    void aConstantSeriesIsRefused() {
        double[] constant = new double[20];
        Arrays.fill(constant, 3.5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ArModel.fit(constant, 2));
        assertTrue(e.getMessage().startsWith("AR(2) fit: expected a design of full column rank 3"), e.getMessage());
        assertTrue(e.getMessage().contains("likely cause: a constant series"), e.getMessage());
        // a straight line: y_{t−1} − y_{t−2} = 1, collinear with the intercept
        double[] line = new double[20];
        for (int t = 0; t < line.length; t++) {
            line[t] = t;
        }
        assertThrows(IllegalArgumentException.class, () -> ArModel.fit(line, 2));
    }

    @Test
    void badOrdersAndShortSeriesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ArModel.fit(SERIES, 0));
        assertEquals("AR fit: expected an order p >= 1, found 0; likely cause: an unset order", e.getMessage());
        // 2p + 2 = 8 values for p = 3
        e = assertThrows(IllegalArgumentException.class, () -> ArModel.fit(Arrays.copyOf(SERIES, 7), 3));
        assertEquals("AR(3) fit: expected a training series of at least 2p + 2 = 8 values, found 7; likely cause: "
                + "an order too large for the training part", e.getMessage());
        ArModel.fit(Arrays.copyOf(SERIES, 8), 3);
        double[] withNan = SERIES.clone();
        withNan[5] = Double.NaN;
        assertThrows(IllegalArgumentException.class, () -> ArModel.fit(withNan, 1));
        assertThrows(IllegalArgumentException.class, () -> ArModel.select(SERIES, new double[] {1}, 0));
        assertThrows(IllegalArgumentException.class, () -> ArModel.select(SERIES, new double[0], 2));
        assertThrows(IllegalArgumentException.class, () -> ArModel.select(Arrays.copyOf(SERIES, 11), SERIES, 5));
        e = assertThrows(IllegalArgumentException.class,
                () -> ArModel.fit(SERIES, 3).forecast(new double[] {1, 2}, 1));
        assertEquals("AR(3): expected a history of at least 3 values, found 2; likely cause: a history shorter than "
                + "the model's order", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ArModel(0, new double[0]));
        assertThrows(IllegalArgumentException.class, () -> new ArModel(Double.NaN, new double[] {1}));
    }

    @Test
    void theRecordKeepsCopies() {
        double[] phi = {0.5, 0.1};
        ArModel m = new ArModel(1, phi);
        phi[0] = 9;
        m.coefficients()[1] = 9;
        assertArrayEquals(new double[] {0.5, 0.1}, m.coefficients(), 0);
        assertEquals(new ArModel(1, new double[] {0.5, 0.1}), m);
        assertEquals(new ArModel(1, new double[] {0.5, 0.1}).hashCode(), m.hashCode());
    }
}
