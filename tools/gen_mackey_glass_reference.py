#!/usr/bin/env python3
"""gen_mackey_glass_reference.py -- reference samples of the Mackey-Glass series (MackeyGlassTest).

An independent implementation, in plain Python, of the integrator documented in
dev.recur.forecast.MackeyGlass:

    dx/dt = beta * x(t - tau) / (1 + x(t - tau)^10) - gamma * x(t),   beta = 0.2, gamma = 0.1

classical 4th-order Runge-Kutta with step dt on the grid t_k = k*dt, x_0 = x0, constant history
x(t) = x0 for t <= 0; the delayed value at the stage times t_k, t_k + dt/2, t_k + dt is linearly
interpolated between grid points at grid position u = k + c - tau/dt (tau/dt snapped to the
nearest integer when within a relative 1e-9); x^10 by repeated squaring; the samples are
s_j = x_{j*subsample}, the first `discard` of them dropped.

Regenerate (from the repository root; not part of the build):

    /usr/bin/python3 tools/gen_mackey_glass_reference.py

It prints Java array literals to paste into
recur-core/src/test/java/dev/recur/forecast/MackeyGlassTest.java, with repr (the shortest decimal
that reads back to the same double).
"""
import math

BETA = 0.2
GAMMA = 0.1


def rate(x, d):
    d2 = d * d
    d10 = (d2 * d2) * (d2 * d2) * d2
    return BETA * d / (1 + d10) - GAMMA * x


def generate(n, tau, dt, subsample, x0, discard):
    lag = tau / dt
    if abs(lag - round(lag)) <= 1e-9 * lag:
        lag = float(round(lag))
    steps = (discard + n - 1) * subsample
    xs = [x0]

    def delayed(u):
        if u <= 0:
            return x0
        i = math.floor(u)
        frac = u - i
        if frac == 0:
            return xs[i]
        return xs[i] + frac * (xs[i + 1] - xs[i])

    for k in range(steps):
        x = xs[k]
        d0 = delayed(k - lag)
        dh = delayed(k + 0.5 - lag)
        d1 = delayed(k + 1 - lag)
        k1 = rate(x, d0)
        k2 = rate(x + dt / 2 * k1, dh)
        k3 = rate(x + dt / 2 * k2, dh)
        k4 = rate(x + dt * k3, d1)
        xs.append(x + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4))
    return [xs[(discard + j) * subsample] for j in range(n)]


def java(name, values):
    return "    private static final double[] %s = {%s};" % (name, ", ".join(repr(v) for v in values))


if __name__ == "__main__":
    # the classic benchmark from the start (the transient of the constant history)
    print(java("CLASSIC_FIRST", generate(8, 17, 0.1, 10, 1.2, 0)))
    # the same after 300 samples (well inside the attractor)
    print(java("CLASSIC_AFTER_300", generate(8, 17, 0.1, 10, 1.2, 300)))
    # a step that does not divide the delay (tau/dt = 56.67: the delayed value is interpolated at every stage):
    # tau = 17, dt = 0.3, subsample 3, 50 samples dropped
    print(java("STEP_0_3", generate(8, 17, 0.3, 3, 1.2, 50)))
