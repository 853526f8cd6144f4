package dev.recur.nn.sequence;

import dev.recur.nn.Activations;
import dev.recur.tensor.Precision;

/** Shape and value checks for {@link SequenceLayer}, with messages that say expected vs found and why. */
final class Validation {

    private Validation() {
    }

    static <A> void batch(RecurrentConfig config, Precision<A> precision, Activations<A> in) {
        if (in == null) {
            throw new IllegalArgumentException("input x is missing: expected [T, B, I] activations");
        }
        in.require("input x", true, -1);
        int nt = in.steps();
        int nb = in.batch();
        int ni = config.inputSize();
        if (in.width() != ni) {
            throw new IllegalArgumentException("input x: expected [T, B, I] = [" + nt + ", " + nb + ", " + ni + "], found "
                    + in.width() + " features per step; likely cause: the input width does not match the layer's "
                    + "input_size " + ni);
        }
        int found = nt * nb * ni;
        int bad = precision.kernels().firstNonFinite(in.values(), 0, found);
        if (bad >= 0) {
            int t = bad / (nb * ni);
            int b = bad / ni % nb;
            int i = bad % ni;
            throw new IllegalArgumentException("input x[t=" + t + ", b=" + b + ", i=" + i + "] is "
                    + precision.get(in.values(), bad) + ": expected a finite number; likely cause: NaN or infinity in "
                    + "the data, or an upstream computation that overflowed");
        }
    }

    static <A> void state(RecurrentConfig config, Precision<A> precision, State<A> s, int nb, String what) {
        if (s == null) {
            return;
        }
        int rows = config.numLayers() * config.directions();
        check(precision, s.h(), what + " h", rows, nb, config.outputSize(), true);
        if (s.c() != null && !config.cell().hasCellState()) {
            throw new IllegalArgumentException(what + " c: a " + config.cell().id()
                    + " layer has no cell state; expected c = null, found an array of " + precision.kernels().length(s.c())
                    + " values; likely cause: an LSTM state passed to a " + config.cell().id());
        }
        check(precision, s.c(), what + " c", rows, nb, config.hiddenSize(), true);
    }

    static <A> void gradients(RecurrentConfig config, Precision<A> precision, A dOutput, State<A> dFinal, int nt, int nb) {
        if (dOutput != null) {
            int nd = config.directions();
            int nout = config.outputSize();
            long expected = (long) nt * nb * nd * nout;
            int found = precision.kernels().length(dOutput);
            if (found != expected) {
                throw new IllegalArgumentException("output gradient: expected [T, B, D*Hout] = [" + nt + ", " + nb + ", "
                        + nd * nout + "] = " + expected + " values, found " + found
                        + "; likely cause: a gradient shaped for another batch or another layer");
            }
        }
        state(config, precision, dFinal, nb, "final-state gradient");
    }

    private static <A> void check(Precision<A> precision, A a, String what, int rows, int nb, int width, boolean finite) {
        if (a == null) {
            return;
        }
        long expected = (long) rows * nb * width;
        int found = precision.kernels().length(a);
        if (found != expected) {
            throw new IllegalArgumentException(what + ": expected [L*D, B, " + (what.endsWith(" c") ? "H" : "Hout")
                    + "] = [" + rows + ", " + nb + ", " + width + "] = " + expected + " values, found " + found
                    + "; likely cause: a state from a layer of another shape, or from a batch of another size");
        }
        if (finite) {
            int bad = precision.kernels().firstNonFinite(a, 0, found);
            if (bad >= 0) {
                throw new IllegalArgumentException(what + "[" + bad / (nb * width) + ", " + bad / width % nb + ", "
                        + bad % width + "] is " + precision.get(a, bad) + ": expected a finite number");
            }
        }
    }
}
