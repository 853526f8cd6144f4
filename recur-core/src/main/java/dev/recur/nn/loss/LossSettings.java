package dev.recur.nn.loss;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed reads of a loss's settings from a map of JSON values ({@link Loss#fromMap}), with messages
 * that name the loss and the setting; and the start of every {@link Loss#toMap()}.
 */
final class LossSettings {

    private final String loss;
    private final Map<String, ?> map;

    /**
     * Checks that {@code map} holds exactly {@code name}, {@code reduction} and {@code settings}.
     *
     * @throws IllegalArgumentException naming the missing and the unknown keys
     */
    LossSettings(String loss, Map<String, ?> map, String... settings) {
        this.loss = loss;
        this.map = map;
        List<String> expected = new ArrayList<>(List.of("name", "reduction"));
        expected.addAll(Arrays.asList(settings));
        List<String> missing = expected.stream().filter(k -> !map.containsKey(k)).toList();
        List<String> unknown = map.keySet().stream().filter(k -> !expected.contains(k)).toList();
        if (!missing.isEmpty() || !unknown.isEmpty()) {
            throw new IllegalArgumentException("loss " + loss + ": expected the settings " + String.join(", ", expected)
                    + ", found " + (missing.isEmpty() ? "" : "no " + String.join(", ", missing))
                    + (missing.isEmpty() || unknown.isEmpty() ? "" : ", and ")
                    + (unknown.isEmpty() ? "" : "others: " + String.join(", ", unknown))
                    + "; likely cause: a hand-edited configuration, or settings of another loss");
        }
    }

    /** The start of a loss's map: its name and reduction. */
    static Map<String, Object> start(String name, Reduction reduction) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("reduction", reduction.id());
        return m;
    }

    /** Weights as a JSON list, or null. */
    static List<Double> list(double[] weights) {
        return weights == null ? null : Arrays.stream(weights).boxed().toList();
    }

    private IllegalArgumentException bad(String key, String expected) {
        Object v = map.get(key);
        return new IllegalArgumentException("loss " + loss + "." + key + ": expected " + expected + ", found "
                + (v instanceof String ? "'" + v + "'" : String.valueOf(v)));
    }

    /** The reduction. */
    Reduction reduction() {
        Object v = map.get("reduction");
        if (!(v instanceof String s)) {
            throw bad("reduction", "\"mean\" or \"sum\"");
        }
        try {
            return Reduction.fromId(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("loss " + loss + "." + e.getMessage(), e);
        }
    }

    /** A number (an integer is accepted). */
    double number(String key) {
        Object v = map.get(key);
        if (!(v instanceof Number n)) {
            throw bad(key, "a number");
        }
        return n.doubleValue();
    }

    /** A 32-bit integer. */
    int integer(String key) {
        Object v = map.get(key);
        if ((v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte
                || v instanceof BigInteger) && ((Number) v).longValue() == ((Number) v).intValue()
                && (!(v instanceof BigInteger b) || b.bitLength() < 32)) {
            return ((Number) v).intValue();
        }
        throw bad(key, "a 32-bit integer");
    }

    /** A list of numbers, or null (the key must be present). */
    double[] weights(String key) {
        Object v = map.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof double[] d) {
            return d.clone();
        }
        if (!(v instanceof List<?> list)) {
            throw bad(key, "a list of numbers or null");
        }
        double[] out = new double[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Number n)) {
                throw bad(key, "a list of numbers or null");
            }
            out[i] = n.doubleValue();
        }
        return out;
    }
}
