package dev.recur.nn.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.recur.nn.recurrent.CellKind;
import dev.recur.nn.sequence.QuantizedStack;
import dev.recur.nn.sequence.RecurrentConfig;
import dev.recur.nn.sequence.SequenceLayer;
import dev.recur.tensor.Precision;
import dev.recur.tensor.QuantizedMatrix;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The float32 paths that have a vector kernel beside a plain one, in a JVM started without
 * {@code --add-modules jdk.incubator.vector} and in one whose vectors hold 4 floats
 * ({@code -XX:MaxVectorSize=16}, as on 128-bit SIMD): the softmax cross-entropy (its exponentials
 * are vector code) and quantized inference (no byte vector of 4 lanes exists). Each must run, with
 * no class touching a vector type where the module is absent, and give bit for bit what this JVM
 * gives: its vector kernel for the loss (the plain loop must equal it), the stack's own plain
 * reference for quantized inference. The probe is this class's {@link #main}, run in a fresh JVM.
 */
class WithoutVectorApiTest {

    private static final int T = 4;
    private static final int B = 2;
    private static final int I = 9;

    @Test
    void withoutTheModuleThePlainPathsRunBitForBit() throws Exception {
        assertEquals("vector false", probeInFreshJvm().get(0));
    }

    @Test
    void withFourLaneVectorsEachPathRunsBitForBit() throws Exception {
        assertEquals("vector true", probeInFreshJvm("--add-modules", "jdk.incubator.vector",
                "-XX:MaxVectorSize=16").get(0));
    }

    private static List<String> probeInFreshJvm(String... jvmArgs) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of(jvmArgs));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), WithoutVectorApiTest.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                lines.add(line);
            }
        }
        assertEquals(true, p.waitFor(2, TimeUnit.MINUTES), "the probe did not finish");
        assertEquals(0, p.exitValue(), String.join("\n", lines));
        // the JIT may print a line of its own before the probe's (none expected)
        List<String> probe = lines.subList(lines.size() - 2 - 2 * CellKind.values().length, lines.size());
        assertEquals(probe(true), probe.subList(1, probe.size()));
        return probe;
    }

    /** Prints whether the Vector API is loaded, then the bits of every case's outputs. */
    public static void main(String[] args) {
        System.out.println("vector " + Precision.vectorAvailable());
        probe(false).forEach(System.out::println);
    }

    /**
     * The softmax cross-entropy of 37 rows of 301 logits (loss and gradient), then every cell and
     * format of a two-layer quantized stack: the bits, one line per case.
     */
    private static List<String> probe(boolean reference) {
        List<String> out = new ArrayList<>();
        SplittableRandom r0 = new SplittableRandom(3);
        int rows = 37;
        int vocab = 301;
        float[] logits = new float[rows * vocab];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) r0.nextDouble(-8, 8);
        }
        int[] targets = r0.ints(rows, 0, vocab).toArray();
        float[] grad = new float[logits.length];
        double loss = FloatLossKernels.INSTANCE.softmaxCrossEntropy(logits, 0, rows, vocab, targets, null, 1.0 / rows,
                grad);
        StringBuilder ce = new StringBuilder("cross-entropy ").append(Long.toHexString(Double.doubleToRawLongBits(loss)));
        for (float g : grad) {
            ce.append(' ').append(Integer.toHexString(Float.floatToRawIntBits(g)));
        }
        out.add(ce.toString());
        for (CellKind cell : CellKind.values()) {
            for (QuantizedMatrix.Format f : QuantizedMatrix.Format.values()) {
                RecurrentConfig config = RecurrentConfig.builder(cell, I, 21).layers(2).build();
                QuantizedStack q = QuantizedStack.of(SequenceLayer.create(config, Precision.F32, 5), f, 1);
                QuantizedStack.Runner r = (reference ? q.reference() : q).runner(B, null);
                SplittableRandom rng = new SplittableRandom(7);
                float[] x = new float[T * B * I];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) rng.nextDouble(-1, 1);
                }
                StringBuilder line = new StringBuilder(cell + " " + f);
                for (int t = 0; t < T; t++) {
                    for (float v : r.step(x, t * B * I)) {
                        line.append(' ').append(Integer.toHexString(Float.floatToRawIntBits(v)));
                    }
                }
                out.add(line.toString());
            }
        }
        return out;
    }
}
