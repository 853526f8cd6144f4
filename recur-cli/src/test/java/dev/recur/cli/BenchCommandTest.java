package dev.recur.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.recur.cli.TrainCommandTest.Run;
import org.junit.jupiter.api.Test;

/** {@code recur bench}: the JSON lines it promises (nothing else on stdout) and its argument checks. */
class BenchCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void jsonHasOneObjectPerMeasurementWithTheDocumentedFields() throws Exception {
        Run r = TrainCommandTest.run("bench", "--format", "json", "--workload", "W6,W5", "--mode", "forward,train_step",
                "--threads", "1", "--warmup", "1", "--warmup-time", "0", "--iters", "3");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.outLines();
        // W6 is inference-only: forward alone; W5 both modes
        assertEquals(3, lines.size(), r.out());
        String[][] expected = {{"W6", "forward"}, {"W5", "forward"}, {"W5", "train_step"}};
        for (int i = 0; i < lines.size(); i++) {
            JsonNode m = JSON.readTree(lines.get(i));
            assertEquals(expected[i][0], m.get("workload").asText());
            assertEquals(expected[i][1], m.get("mode").asText());
            assertEquals(1, m.get("threads").asInt());
            assertEquals(3, m.get("samples_ms").size());
            double median = m.get("median_ms").asDouble();
            assertTrue(median > 0, lines.get(i));
            // tokens/s and GFLOP/s follow from the median: B*T tokens; per layer 2*B*T*(in+H)*G*H FLOPs
            double tokens = expected[i][0].equals("W6") ? 1 : 32 * 100;
            assertEquals(tokens / (median / 1e3), m.get("tokens_per_s").asDouble(), 0.01 * tokens / (median / 1e3));
            double flops = expected[i][0].equals("W6") ? 2.0 * 2 * 1 * (512 + 512) * 4 * 512
                    : 2.0 * 32 * 100 * (128 + 256) * 256 * (expected[i][1].equals("train_step") ? 3 : 1);
            double gflops = flops / (median / 1e3) / 1e9;
            // printed with two decimals
            assertEquals(gflops, m.get("gflops").asDouble(), Math.max(0.01 * gflops, 0.006));
        }
    }

    @Test
    void threadsAreCappedAsInTheExperiments() {
        // 100000 used to start threads until the process ran out of them
        Run r = TrainCommandTest.run("bench", "--threads", "100000");
        assertEquals(ExitCodes.USAGE, r.code(), r.err());
        assertEquals(List.of("recur bench: --threads: expected 1..256, found 100000; likely cause: a count larger than "
                + "useful (more threads only add overhead, and the results do not depend on the count)"), r.errLines());
        assertEquals("", r.out());
    }

    @Test
    void badArgumentsGetOneLine() {
        String[][] cases = {{"--warmup-time", "-1"}, {"--iters", "0"}, {"--workload", "W9"}, {"--mode", "backward"}};
        for (String[] c : cases) {
            Run r = TrainCommandTest.run("bench", c[0], c[1]);
            assertNotEquals(0, r.code(), String.join(" ", c));
            assertEquals(1, r.errLines().size(), r.err());
            assertFalse(r.err().contains("\tat "), r.err());
        }
    }
}
