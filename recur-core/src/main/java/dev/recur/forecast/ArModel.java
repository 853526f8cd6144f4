package dev.recur.forecast;

import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * An autoregression of order {@code p} with an intercept, AR(p):
 * {@code y_t = c + φ_1·y_{t−1} + … + φ_p·y_{t−p} + ε_t}. {@link #fit} estimates it by ordinary least
 * squares on a training series, {@link #select} picks the order on a validation part, and
 * {@link #forecast} forecasts recursively: each forecast is fed back as the lag of the next step.
 * Needs a history of at least {@code p} values.
 *
 * <p>Immutable and thread-safe (the coefficients are copied in and out).
 *
 * @param intercept    {@code c}
 * @param coefficients {@code φ_1 .. φ_p}: element {@code i} multiplies {@code y_{t−1−i}}; its length
 *                     is the order {@code p >= 1}
 */
public record ArModel(double intercept, double[] coefficients) implements Forecaster {

    /**
     * Checks the parameters; keeps a copy of the coefficients.
     *
     * @param intercept    the intercept
     * @param coefficients the lag coefficients, at least one
     * @throws IllegalArgumentException for no coefficients or a value that is not finite
     */
    public ArModel {
        if (coefficients == null || coefficients.length == 0) {
            throw new IllegalArgumentException("AR model: expected at least one lag coefficient, found none; "
                    + "likely cause: an order p of 0");
        }
        if (!Double.isFinite(intercept)) {
            throw new IllegalArgumentException("AR model: expected a finite intercept, found " + intercept
                    + "; likely cause: a fit on a series with non-finite values");
        }
        for (int i = 0; i < coefficients.length; i++) {
            if (!Double.isFinite(coefficients[i])) {
                throw new IllegalArgumentException("AR model: expected finite coefficients, found " + coefficients[i]
                        + " for lag " + (i + 1) + "; likely cause: a fit on a series with non-finite values");
            }
        }
        coefficients = coefficients.clone();
    }

    /**
     * Fits AR(p) by ordinary least squares: the regression of {@code y_t} on
     * {@code 1, y_{t−1}, …, y_{t−p}} for {@code t = p .. n−1} (0-based, {@code n − p} equations in
     * {@code p + 1} unknowns), solved by a Householder QR decomposition (EJML). The series must have
     * at least {@code 2p + 2} values, so that there are more equations than unknowns, and the
     * design must have full column rank: its rank is the number of singular values above
     * {@code σ_max · max(n − p, p + 1) · ε} ({@code ε} the double-precision machine epsilon, as in
     * NumPy's {@code matrix_rank}).
     *
     * @param train the training series, oldest first, finite
     * @param p     the order, {@code >= 1}
     * @return the fitted model
     * @throws IllegalArgumentException if {@code p < 1}, the series is shorter than {@code 2p + 2}
     *                                  or has a value that is not finite, or the design is rank
     *                                  deficient (a constant series, or one whose lags are exactly
     *                                  collinear, such as a straight line)
     */
    public static ArModel fit(double[] train, int p) {
        if (p < 1) {
            throw new IllegalArgumentException("AR fit: expected an order p >= 1, found " + p
                    + "; likely cause: an unset order");
        }
        String method = "AR(" + p + ") fit";
        if (train == null || train.length < 2 * p + 2) {
            throw new IllegalArgumentException(method + ": expected a training series of at least 2p + 2 = "
                    + (2 * p + 2) + " values, found " + (train == null ? "none" : train.length)
                    + "; likely cause: an order too large for the training part");
        }
        Baselines.checkHistory(method, train, 2 * p + 2, 1, "an order too large for the training part");
        int rows = train.length - p;
        int cols = p + 1;
        DMatrixRMaj design = new DMatrixRMaj(rows, cols);
        DMatrixRMaj target = new DMatrixRMaj(rows, 1);
        for (int r = 0; r < rows; r++) {
            int t = r + p;
            // row t: [1, y_{t−1}, …, y_{t−p}] → y_t
            design.set(r, 0, 1.0);
            for (int i = 1; i <= p; i++) {
                design.set(r, i, train[t - i]);
            }
            target.set(r, 0, train[t]);
        }
        int rank = rank(design);
        if (rank < cols) {
            throw new IllegalArgumentException(method + ": expected a design of full column rank " + cols
                    + " (intercept and " + p + " lags), found rank " + rank + "; likely cause: a constant series "
                    + "(or one whose lagged values are exactly collinear, such as a straight line)");
        }
        LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.leastSquares(rows, cols);
        // β = argmin ‖X·β − y‖², by QR: R·β = Qᵀ·y
        if (!solver.setA(solver.modifiesA() ? design.copy() : design)) {
            throw new IllegalArgumentException(method + ": the least-squares solver refused the design; "
                    + "likely cause: a constant series");
        }
        DMatrixRMaj beta = new DMatrixRMaj(cols, 1);
        solver.solve(solver.modifiesB() ? target.copy() : target, beta);
        double[] phi = new double[p];
        for (int i = 0; i < p; i++) {
            phi[i] = beta.get(i + 1, 0);
        }
        return new ArModel(beta.get(0, 0), phi);
    }

    /**
     * Selects the order on a validation part: for each {@code p} in {@code 1 .. maxP}, fits AR(p)
     * on {@code train} and measures its one-step root mean squared error on {@code validation},
     * where the forecast of {@code validation[j]} uses as history {@code train} followed by
     * {@code validation[0 .. j)} (the values seen so far; the model is not refitted). Returns the
     * fitted model of the order with the lowest error; on a tie the smaller order wins.
     *
     * <p>Like AIC, this is not a consistent estimator of a true order: on a series from an AR(2)
     * process a larger order has the lower validation error now and then by chance (in about a
     * third of 200-value training parts with 500 validation values), while a too small order,
     * which misses real structure, rarely does.
     *
     * @param train      the training series, at least {@code 2·maxP + 2} finite values
     * @param validation the values that follow the training series, at least one, finite
     * @param maxP       the largest order tried, {@code >= 1}
     * @return the selected model, fitted on {@code train}
     * @throws IllegalArgumentException if {@code maxP < 1}, a part is too short or has a value that
     *                                  is not finite, or every order's fit is refused (see {@link #fit};
     *                                  an order whose fit is refused is skipped)
     */
    public static ArModel select(double[] train, double[] validation, int maxP) {
        if (maxP < 1) {
            throw new IllegalArgumentException("AR select: expected a largest order maxP >= 1, found " + maxP
                    + "; likely cause: an unset order");
        }
        if (train == null || train.length < 2 * maxP + 2) {
            throw new IllegalArgumentException("AR select: expected a training series of at least 2·maxP + 2 = "
                    + (2 * maxP + 2) + " values, found " + (train == null ? "none" : train.length)
                    + "; likely cause: a largest order too large for the training part");
        }
        Baselines.checkHistory("AR select (validation)", validation, 1, 1, "an empty validation part");
        double[] series = new double[train.length + validation.length];
        System.arraycopy(train, 0, series, 0, train.length);
        System.arraycopy(validation, 0, series, train.length, validation.length);
        ArModel best = null;
        double bestRmse = Double.POSITIVE_INFINITY;
        IllegalArgumentException refused = null;
        for (int p = 1; p <= maxP; p++) {
            ArModel model;
            try {
                model = fit(train, p);
            } catch (IllegalArgumentException e) {
                // an order whose lags are collinear (an exactly periodic series): the others may fit
                refused = refused == null ? e : refused;
                continue;
            }
            double sum = 0;
            for (int j = 0; j < validation.length; j++) {
                // e_j = y_{n+j} − ŷ_{n+j | y_0 .. y_{n+j−1}}
                double e = validation[j] - model.next(series, train.length + j);
                sum += e * e;
            }
            // RMSE = sqrt(Σ e_j² / V)
            double rmse = Math.sqrt(sum / validation.length);
            if (best == null || rmse < bestRmse) {
                best = model;
                bestRmse = rmse;
            }
        }
        if (best == null) {
            throw refused;
        }
        return best;
    }

    /**
     * The order {@code p}.
     *
     * @return the number of lag coefficients
     */
    public int order() {
        return coefficients.length;
    }

    /**
     * The method's name.
     *
     * @return {@code "AR(p)"}
     */
    @Override
    public String name() {
        return "AR(" + coefficients.length + ")";
    }

    /**
     * Recursive forecasts: {@code ŷ_{T+h} = c + Σ_i φ_i·z_{T+h−i}}, where {@code z} is the history
     * followed by the forecasts already made. Needs a history of at least {@code p} values; only
     * the last {@code p} are used.
     *
     * @param history the observed values, oldest first, finite; not modified
     * @param horizon how many steps ahead, {@code >= 1}
     * @return {@code [horizon]}
     * @throws IllegalArgumentException for a history shorter than {@code p}, a value that is not
     *                                  finite, or a horizon {@code < 1}
     */
    @Override
    public double[] forecast(double[] history, int horizon) {
        int p = coefficients.length;
        Baselines.checkHistory(name(), history, p, horizon, "a history shorter than the model's order");
        // z = [last p values of the history, then the forecasts]
        double[] z = new double[p + horizon];
        System.arraycopy(history, history.length - p, z, 0, p);
        for (int h = 0; h < horizon; h++) {
            z[p + h] = next(z, p + h);
        }
        return Arrays.copyOfRange(z, p, p + horizon);
    }

    /** The one-step forecast of {@code z[end]} from {@code z[end−p .. end)}: {@code c + Σ φ_i·z[end−i]}. */
    private double next(double[] z, int end) {
        double y = intercept;
        for (int i = 1; i <= coefficients.length; i++) {
            y += coefficients[i - 1] * z[end - i];
        }
        return y;
    }

    /** The rank of a matrix: its singular values above {@code σ_max · max(rows, cols) · ε}. */
    private static int rank(DMatrixRMaj a) {
        SingularValueDecomposition_F64<DMatrixRMaj> svd =
                DecompositionFactory_DDRM.svd(a.numRows, a.numCols, false, false, true);
        if (!svd.decompose(a.copy())) {
            return 0;
        }
        double[] s = svd.getSingularValues();
        int count = Math.min(a.numRows, a.numCols);
        double max = 0;
        for (int i = 0; i < count; i++) {
            max = Math.max(max, s[i]);
        }
        // tol = σ_max · max(rows, cols) · ε
        double tol = max * Math.max(a.numRows, a.numCols) * Math.ulp(1.0);
        int rank = 0;
        for (int i = 0; i < count; i++) {
            if (s[i] > tol) {
                rank++;
            }
        }
        return rank;
    }

    /** The coefficients {@code φ_1 .. φ_p} (a copy). */
    @Override
    public double[] coefficients() {
        return coefficients.clone();
    }

    /**
     * Equal to another model of the same intercept and coefficients (compared by value).
     *
     * @param o the other object
     * @return whether it is an equal model
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof ArModel m && Double.compare(intercept, m.intercept) == 0
                && Arrays.equals(coefficients, m.coefficients);
    }

    /** A hash of the intercept and the coefficients' values. */
    @Override
    public int hashCode() {
        return 31 * Double.hashCode(intercept) + Arrays.hashCode(coefficients);
    }

    @Override
    public String toString() {
        return "ArModel[intercept " + intercept + ", coefficients " + Arrays.toString(coefficients) + "]";
    }
}
