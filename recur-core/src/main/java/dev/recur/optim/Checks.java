package dev.recur.optim;

/** Hyper-parameter checks shared by the config records; messages name the field and the allowed range. */
final class Checks {

    private Checks() {
    }

    /** A learning rate: finite and {@code >= 0}. */
    static void learningRate(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be a finite number >= 0, found " + lr);
        }
    }

    /** A finite value {@code >= 0}. */
    static void nonNegative(String name, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be a finite number >= 0, found " + v);
        }
    }

    /** A value in {@code [0, 1)}. */
    static void unitInterval(String name, double v) {
        if (!(v >= 0 && v < 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1), found " + v);
        }
    }
}
