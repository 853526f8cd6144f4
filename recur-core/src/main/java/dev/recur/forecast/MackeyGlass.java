package dev.recur.forecast;

/**
 * The Mackey–Glass chaotic time series (Mackey &amp; Glass, "Oscillation and chaos in physiological
 * control systems", Science 197, 1977), the classic benchmark of time-series forecasting: the
 * delay differential equation
 * {@code dx/dt = β·x(t−τ) / (1 + x(t−τ)^10) − γ·x(t)}, with {@code β = 0.2}, {@code γ = 0.1}.
 * With {@code τ = 17} it is chaotic; the usual benchmark integrates it at {@code dt = 0.1} and keeps
 * every 10th point (a sampling interval of 1), from {@code x0 = 1.2}; the values then oscillate
 * within about 0.2 .. 1.4.
 *
 * <p>Stateless and thread-safe.
 */
public final class MackeyGlass {

    // dx/dt = β·x(t−τ)/(1 + x(t−τ)^10) − γ·x(t): the production rate β
    private static final double BETA = 0.2;

    // dx/dt = β·x(t−τ)/(1 + x(t−τ)^10) − γ·x(t): the decay rate γ
    private static final double GAMMA = 0.1;

    private MackeyGlass() {
    }

    /**
     * Integrates the equation and samples it; deterministic (the same arguments give the same bits).
     *
     * <p>The integrator is the classical 4th-order Runge–Kutta method with step {@code dt}, on the
     * grid {@code t_k = k·dt}, {@code x_0 = x0}; the history before the start is constant,
     * {@code x(t) = x0} for {@code t <= 0}. The delayed value {@code x(t−τ)} that each stage needs
     * (at {@code t_k}, {@code t_k + dt/2} and {@code t_{k+1}}) is read from the computed grid by
     * linear interpolation between the two neighbouring grid points, in grid units
     * {@code u = k + c − τ/dt} ({@code c = 0, 1/2, 1}); {@code τ/dt} is taken as an integer when it
     * is one within a relative {@code 1e-9}, so that the delayed values at whole steps are grid values
     * exactly. With {@code dt <= τ} every delayed time is at or before {@code t_k}, so the grid holds
     * it. The power {@code x^10} is computed by repeated squaring ({@code x² · ((x²)²)²}). The
     * linear interpolation of the half-step delayed value limits the global accuracy to second
     * order in {@code dt} (halving the step divides the error by about 4), well below the sampling
     * resolution of the benchmark at {@code dt = 0.1}.
     *
     * <p>The samples are {@code s_j = x(j·subsample·dt)}, {@code j = 0, 1, …}; the first
     * {@code discard} samples (the transient from the constant history) are dropped and the next
     * {@code n} returned.
     *
     * @param n         the number of samples returned, {@code >= 1}
     * @param tau       the delay {@code τ >= 1} (17 in the usual benchmark; 30 is more chaotic)
     * @param dt        the integration step, {@code 0 < dt <= τ} (0.1)
     * @param subsample keep every {@code subsample}-th grid point, {@code >= 1} (10)
     * @param x0        the initial value and constant history, finite (1.2)
     * @param discard   the number of initial samples dropped, {@code >= 0}, in samples, not
     *                  integration steps
     * @return {@code [n]}: {@code s_discard .. s_{discard+n−1}}
     * @throws IllegalArgumentException for an argument out of range, or more integration steps than
     *                                  an array holds
     */
    public static double[] generate(int n, int tau, double dt, int subsample, double x0, int discard) {
        if (n < 1) {
            throw new IllegalArgumentException("Mackey-Glass: expected n >= 1 samples, found " + n
                    + "; likely cause: an unset length");
        }
        if (tau < 1) {
            throw new IllegalArgumentException("Mackey-Glass: expected a delay tau >= 1, found " + tau
                    + "; likely cause: an unset delay (the benchmark uses 17)");
        }
        if (!(dt > 0) || !(dt <= tau)) {
            throw new IllegalArgumentException("Mackey-Glass: expected a step 0 < dt <= tau = " + tau + ", found " + dt
                    + "; likely cause: a sampling interval given as the step (the benchmark uses 0.1)");
        }
        if (subsample < 1) {
            throw new IllegalArgumentException("Mackey-Glass: expected subsample >= 1, found " + subsample
                    + "; likely cause: a sampling interval given in time units rather than steps");
        }
        if (!Double.isFinite(x0)) {
            throw new IllegalArgumentException("Mackey-Glass: expected a finite initial value x0, found " + x0
                    + "; likely cause: an unset initial value (the benchmark uses 1.2)");
        }
        if (discard < 0) {
            throw new IllegalArgumentException("Mackey-Glass: expected discard >= 0 samples, found " + discard
                    + "; likely cause: an unset transient length");
        }
        // steps = (discard + n − 1)·subsample
        long steps = ((long) discard + n - 1) * subsample;
        if (steps + 1 > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("Mackey-Glass: expected at most " + (Integer.MAX_VALUE - 9)
                    + " integration steps, found " + steps + "; likely cause: a very long series at a small step");
        }
        double lag = tau / dt;
        double whole = Math.rint(lag);
        if (Math.abs(lag - whole) <= 1e-9 * lag) {
            lag = whole;
        }
        double[] x = new double[(int) steps + 1];
        x[0] = x0;
        double half = dt / 2;
        for (int k = 0; k < steps; k++) {
            double xk = x[k];
            double d0 = delayed(x, x0, k - lag);
            double dHalf = delayed(x, x0, k + 0.5 - lag);
            double d1 = delayed(x, x0, k + 1 - lag);
            // k1 = f(x_k, x(t_k−τ)); k2 = f(x_k + dt/2·k1, x(t_k+dt/2−τ)); k3 = f(x_k + dt/2·k2, x(t_k+dt/2−τ));
            // k4 = f(x_k + dt·k3, x(t_{k+1}−τ))
            double k1 = rate(xk, d0);
            double k2 = rate(xk + half * k1, dHalf);
            double k3 = rate(xk + half * k2, dHalf);
            double k4 = rate(xk + dt * k3, d1);
            // x_{k+1} = x_k + dt/6·(k1 + 2·k2 + 2·k3 + k4)
            x[k + 1] = xk + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
        }
        double[] out = new double[n];
        for (int j = 0; j < n; j++) {
            out[j] = x[(discard + j) * subsample];
        }
        return out;
    }

    /** f(x, x_τ) = β·x_τ/(1 + x_τ^10) − γ·x, with x_τ^10 = x_τ² · ((x_τ²)²)². */
    private static double rate(double x, double delayed) {
        double d2 = delayed * delayed;
        double d4 = d2 * d2;
        double d8 = d4 * d4;
        return BETA * delayed / (1 + d8 * d2) - GAMMA * x;
    }

    /**
     * x at grid position u (in steps): x0 for u <= 0, else x[i] + (u − i)·(x[i+1] − x[i]), i = ⌊u⌋.
     */
    private static double delayed(double[] x, double x0, double u) {
        if (u <= 0) {
            return x0;
        }
        int i = (int) Math.floor(u);
        double frac = u - i;
        if (frac == 0) {
            return x[i];
        }
        // x(u) = x_i + frac·(x_{i+1} − x_i)
        return x[i] + frac * (x[i + 1] - x[i]);
    }
}
