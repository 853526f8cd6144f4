package dev.recur.nn.sequence;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.nn.recurrent.CellKind;
import dev.recur.tensor.Precision;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The time loop allocates nothing per step: the bytes a forward and backward pass allocate grow
 * linearly with T, only by the activations BPTT must keep (gate values, states, their gradients),
 * so the bytes per step at T = 256 are no more than at T = 64.
 */
class AllocationTest {

    @Test
    void bytesPerStepDoNotGrowWithT() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        RecurrentConfig config = RecurrentConfig.builder(CellKind.LSTM, 32, 64).layers(2).build();
        SequenceLayer<float[]> layer = SequenceLayer.create(config, Precision.F32, 1);
        int nb = 8;
        double[] perStep = new double[2];
        int[] steps = {64, 256};
        for (int round = 0; round < 60; round++) {   // the last round is measured, after the JIT has compiled the loops
            for (int s = 0; s < steps.length; s++) {
                int nt = steps[s];
                float[] x = new float[nt * nb * 32];
                float[] dy = new float[nt * nb * 64];
                java.util.Arrays.fill(x, 0.1f);
                java.util.Arrays.fill(dy, 0.01f);
                long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
                SequenceOutput<float[]> out = layer.forward(SequenceBatch.of(x, nt, nb), null, true);
                layer.backward(out.tape(), dy, null);
                long bytes = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
                perStep[s] = (double) bytes / nt;
            }
        }
        // what BPTT must keep per step, per layer: gate values and their gradients (2·4H), h and c (2H),
        // the layer's output and its gradient (2H), in float32
        double activations = 2 * (2 * 4 * 64 + 2 * 64 + 2 * 64) * nb * 4.0;
        System.out.printf("allocated bytes per time step: T=64 %.0f, T=256 %.0f (activations %.0f)%n",
                perStep[0], perStep[1], activations);
        assertTrue(perStep[1] <= perStep[0] * 1.02, "bytes per step grew with T: " + perStep[0] + " -> " + perStep[1]);
        assertTrue(perStep[1] <= activations * 1.5, "bytes per step " + perStep[1] + " far above the activations " + activations);
    }
}
