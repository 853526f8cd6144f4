package dev.recur.nn.sequence;

import dev.recur.nn.Activations;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.tensor.Precision;
import java.lang.management.ManagementFactory;

/**
 * Measures the bytes one thread allocates per time step of a forward and backward pass at two
 * sequence lengths, after the JIT has compiled the loops; prints {@code T bytesPerStep} lines.
 * Run by {@link AllocationTest} in a JVM of its own, so that other tests' code paths cannot shape
 * what the JIT compiles.
 */
public final class AllocationProbe {

    private AllocationProbe() {
    }

    /** Prints one line per sequence length: {@code T bytesPerStep}. */
    public static void main(String[] args) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        RecurrentConfig config = RecurrentConfig.builder(CellKind.LSTM, 32, 64).layers(2).build();
        SequenceLayer<float[]> layer = SequenceLayer.create(config, Precision.F32, 1);
        int nb = 8;
        int[] steps = {64, 256};
        double[] perStep = new double[steps.length];
        for (int round = 0; round < 60; round++) {   // the last round is measured, after the JIT has compiled the loops
            for (int s = 0; s < steps.length; s++) {
                int nt = steps[s];
                float[] x = new float[nt * nb * 32];
                float[] dy = new float[nt * nb * 64];
                java.util.Arrays.fill(x, 0.1f);
                java.util.Arrays.fill(dy, 0.01f);
                long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
                SequenceOutput<float[]> out = layer.forward(Activations.sequence(x, nt, nb, layer.config().inputSize()), null, true);
                layer.backward(out.tape(), dy, null);
                long bytes = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
                perStep[s] = (double) bytes / nt;
            }
        }
        for (int s = 0; s < steps.length; s++) {
            System.out.println(steps[s] + " " + perStep[s]);
        }
    }
}
