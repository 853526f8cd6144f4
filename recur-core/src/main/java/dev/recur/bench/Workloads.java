package dev.recur.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.recur.nn.recurrent.CellKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The standard workloads, read from the bundled copy of {@code workloads.json}.
 *
 * <p>Stateless and thread-safe: each call reads the resource anew.
 */
public final class Workloads {

    private static final String RESOURCE = "workloads.json";

    private Workloads() {
    }

    /** Every standard workload, by name, in file order. */
    public static Map<String, Workload> standard() {
        try (InputStream in = Workloads.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("bundled resource dev/recur/bench/" + RESOURCE + " is missing");
            }
            JsonNode root = new ObjectMapper().readTree(in);
            Map<String, Workload> out = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = root.get("workloads").fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode w = e.getValue();
                String cell = w.get("cell").asText();
                CellKind kind = switch (cell) {
                    case "LSTM" -> CellKind.LSTM;
                    case "GRU" -> CellKind.GRU;
                    case "RNN" -> CellKind.RNN_TANH;
                    default -> throw new IllegalStateException("workloads.json: unknown cell " + cell);
                };
                out.put(e.getKey(), new Workload(e.getKey(), kind, w.get("B").asInt(), w.get("T").asInt(),
                        w.get("I").asInt(), w.get("H").asInt(), w.get("L").asInt(),
                        w.path("inference_only").asBoolean(false)));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The named workloads, in the order given.
     *
     * @throws IllegalArgumentException naming an unknown workload and the known ones
     */
    public static List<Workload> select(List<String> names) {
        Map<String, Workload> all = standard();
        List<Workload> out = new ArrayList<>();
        for (String n : names) {
            Workload w = all.get(n.trim());
            if (w == null) {
                throw new IllegalArgumentException("unknown workload '" + n + "': expected one of " + all.keySet());
            }
            out.add(w);
        }
        return out;
    }
}
