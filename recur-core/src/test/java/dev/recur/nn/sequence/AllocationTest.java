package dev.recur.nn.sequence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The time loop allocates nothing per step: the bytes a forward and backward pass allocate grow
 * linearly with T, only by the activations BPTT must keep, so the bytes per step at T = 256 are no
 * more than at T = 64. Measured by {@link AllocationProbe} in a fresh JVM (the JIT's choices, and
 * with them whether vectors are kept in registers, depend on everything a JVM has run before).
 */
class AllocationTest {

    @Test
    void bytesPerStepDoNotGrowWithT() throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                AllocationProbe.class.getName());
        Process process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                lines.add(line);
            }
        }
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "the probe did not finish");
        assertEquals(0, process.exitValue(), "probe exit code; output " + lines);
        assertEquals(2, lines.size(), "probe output " + lines);
        double perStep64 = Double.parseDouble(lines.get(0).split(" ")[1]);
        double perStep256 = Double.parseDouble(lines.get(1).split(" ")[1]);
        // what BPTT must keep per step, per layer (B = 8, H = 64, float32): gate values (4H, their
        // gradients overwrite them), h and c (2H), the layer's output and its gradient (2H)
        double activations = 2 * (4 * 64 + 2 * 64 + 2 * 64) * 8 * 4.0;
        System.out.printf("allocated bytes per time step: T=64 %.0f, T=256 %.0f (activations %.0f)%n",
                perStep64, perStep256, activations);
        assertTrue(perStep256 <= perStep64 * 1.02, "bytes per step grew with T: " + perStep64 + " -> " + perStep256);
        assertTrue(perStep256 <= activations * 1.5,
                "bytes per step " + perStep256 + " far above the activations " + activations);
    }
}
