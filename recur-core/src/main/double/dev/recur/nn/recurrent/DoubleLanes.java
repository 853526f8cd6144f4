package dev.recur.nn.recurrent;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector helpers shared by the vectorised cells (the float32 twin {@code FloatLanes} is generated
 * from this file): the species, masked or whole-vector loads and stores, and the activations.
 */
final class DoubleLanes {

    /** The widest vector shape of this processor. */
    static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    /** Lanes per vector. */
    static final int L = S.length();

    private DoubleLanes() {
    }

    /** {@code a[i .. i+L)}; lanes outside {@code mask} read 0 ({@code mask == null}: all lanes). */
    static DoubleVector load(double[] a, int i, VectorMask<Double> mask) {
        return mask == null ? DoubleVector.fromArray(S, a, i) : DoubleVector.fromArray(S, a, i, mask);
    }

    /** Writes the lanes of {@code v} in {@code mask} (all if null) to {@code a[i ..]}. Modifies {@code a}. */
    static void store(DoubleVector v, double[] a, int i, VectorMask<Double> mask) {
        if (mask == null) {
            v.intoArray(a, i);
        } else {
            v.intoArray(a, i, mask);
        }
    }

    /** The mask of the row tail {@code [j, n)}, or null when {@code j + L <= n}. */
    static VectorMask<Double> tail(int j, int n) {
        return j + L <= n ? null : S.indexInRange(j, n);
    }

    /** σ(x) = 1 / (1 + e^(−x)). */
    static DoubleVector sigmoid(DoubleVector x) {
        final DoubleVector one = DoubleVector.broadcast(S, 1.0);
        return one.div(one.add(x.neg().lanewise(VectorOperators.EXP)));
    }

    /** tanh(x). */
    static DoubleVector tanh(DoubleVector x) {
        return x.lanewise(VectorOperators.TANH);
    }

    /** A vector of ones. */
    static DoubleVector ones() {
        return DoubleVector.broadcast(S, 1.0);
    }
}
