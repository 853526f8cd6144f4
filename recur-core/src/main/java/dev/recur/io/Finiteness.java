package dev.recur.io;

import dev.recur.nn.Parameter;
import dev.recur.tensor.Precision;
import java.nio.file.Path;

/**
 * NaN and infinity are never part of a valid model, optimizer or trainer state: they are refused
 * before anything is written, so that a diverged run cannot replace a good checkpoint.
 */
final class Finiteness {

    private Finiteness() {
    }

    /**
     * Checks that values about to be written are finite.
     *
     * @param target where they were to be written, for the message (a file or run folder), or null
     * @param what   what the tensor is, e.g. {@code model tensor 'head.bias'}
     * @param shape  its shape
     * @param p      the precision of {@code values}
     * @param values its elements (at least {@code size})
     * @param size   the number of elements
     * @param <A>    the array type
     * @throws IllegalArgumentException at the first NaN or infinity; nothing has been written then
     */
    static <A> void requireFiniteToWrite(Path target, String what, int[] shape, Precision<A> p, A values, int size) {
        int bad = p.kernels().firstNonFinite(values, 0, size);
        if (bad >= 0) {
            throw new IllegalArgumentException((target == null ? "" : target + ": ") + "expected finite values in "
                    + what + ", found " + p.get(values, bad) + " at " + Parameter.index(shape, bad) + "; likely cause:"
                    + " the training run diverged (a learning rate too high, no gradient clipping); nothing was"
                    + " written");
        }
    }
}
