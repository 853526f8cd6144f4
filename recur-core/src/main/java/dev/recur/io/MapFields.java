package dev.recur.io;

import java.util.Map;

/**
 * Typed reads from a map of JSON values (a configuration saved in a manifest), with messages that
 * name the field: {@code model.config.hidden_size: expected an integer, found "x"}.
 *
 * <p>It only reads: safe to share between threads as long as no one changes the map, which is not
 * copied.
 */
public final class MapFields {
    private final String section;
    private final Map<String, ?> map;

    /**
     * Reads {@code map}, naming its fields {@code section.key} in messages.
     *
     * @param section the map's path, e.g. {@code model.config}
     * @param map     the map
     * @throws IllegalArgumentException if the map is null
     */
    public MapFields(String section, Map<String, ?> map) {
        if (map == null) {
            throw new IllegalArgumentException(section + ": expected an object, found nothing");
        }
        this.section = section;
        this.map = map;
    }

    /** The map read (not a copy). */
    public Map<String, ?> map() {
        return map;
    }

    /** A found value as a message shows it: a string in quotes, an object or a list by its kind. */
    private static String shown(Object v) {
        return v instanceof String s ? "\"" + s + "\"" : v instanceof Map<?, ?> ? "an object"
                : v instanceof java.util.List<?> ? "a list" : String.valueOf(v);
    }

    private Object get(String key) {
        Object v = map.get(key);
        if (v == null) {
            throw new IllegalArgumentException(section + "." + key + ": expected a value, found none");
        }
        return v;
    }

    /** Whether {@code key} holds a value (not absent, not null). */
    public boolean has(String key) {
        return map.get(key) != null;
    }

    /** The string at {@code key}. @throws IllegalArgumentException if absent or of another type */
    public String text(String key) {
        Object v = get(key);
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException(section + "." + key + ": expected a string, found " + shown(v));
        }
        return s;
    }

    /** The integer at {@code key}. @throws IllegalArgumentException if absent or of another type */
    public long longValue(String key) {
        Object v = get(key);
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof java.math.BigInteger b && b.bitLength() < 64) {
            return b.longValue();
        }
        throw new IllegalArgumentException(section + "." + key + ": expected an integer, found " + shown(v));
    }

    /** The 32-bit integer at {@code key}. @throws IllegalArgumentException if absent or of another type */
    public int integer(String key) {
        long v = longValue(key);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(section + "." + key + ": expected a 32-bit integer, found " + v);
        }
        return (int) v;
    }

    /** The number at {@code key}. @throws IllegalArgumentException if absent or of another type */
    public double number(String key) {
        Object v = get(key);
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException(section + "." + key + ": expected a number, found " + shown(v));
        }
        return n.doubleValue();
    }

    /** The boolean at {@code key}. @throws IllegalArgumentException if absent or of another type */
    public boolean bool(String key) {
        Object v = get(key);
        if (!(v instanceof Boolean b)) {
            throw new IllegalArgumentException(section + "." + key + ": expected true or false, found " + shown(v));
        }
        return b;
    }

    /** The object at {@code key}. @throws IllegalArgumentException if absent or of another type */
    @SuppressWarnings("unchecked")
    public Map<String, Object> object(String key) {
        Object v = get(key);
        if (!(v instanceof Map<?, ?>)) {
            throw new IllegalArgumentException(section + "." + key + ": expected an object, found " + shown(v));
        }
        return (Map<String, Object>) v;
    }

    /** The list of strings at {@code key}. @throws IllegalArgumentException if absent or of another type */
    public java.util.List<String> texts(String key) {
        Object v = get(key);
        java.util.List<String> out = new java.util.ArrayList<>();
        if (v instanceof java.util.List<?> list) {
            for (Object x : list) {
                if (!(x instanceof String s)) {
                    throw new IllegalArgumentException(section + "." + key + ": expected a list of strings, found "
                            + shown(x) + " in it");
                }
                out.add(s);
            }
            return out;
        }
        throw new IllegalArgumentException(section + "." + key + ": expected a list of strings, found " + shown(v));
    }

    /** The list of numbers at {@code key}. @throws IllegalArgumentException if absent or of another type */
    public double[] numbers(String key) {
        Object v = get(key);
        if (v instanceof java.util.List<?> list) {
            double[] out = new double[list.size()];
            for (int i = 0; i < out.length; i++) {
                if (!(list.get(i) instanceof Number n)) {
                    throw new IllegalArgumentException(section + "." + key + ": expected a list of numbers, found "
                            + shown(list.get(i)) + " at " + i);
                }
                out[i] = n.doubleValue();
            }
            return out;
        }
        throw new IllegalArgumentException(section + "." + key + ": expected a list of numbers, found " + shown(v));
    }
}
