package dev.recur.train;

import java.util.Map;

/** Typed reads from a map of JSON values, with messages that name the field. */
final class MapFields {
    private final String section;
    private final Map<String, ?> map;

    MapFields(String section, Map<String, ?> map) {
        if (map == null) {
            throw new IllegalArgumentException(section + ": expected an object, found nothing");
        }
        this.section = section;
        this.map = map;
    }

    private Object get(String key) {
        Object v = map.get(key);
        if (v == null) {
            throw new IllegalArgumentException(section + "." + key + ": expected a value, found none");
        }
        return v;
    }

    boolean has(String key) {
        return map.get(key) != null;
    }

    String text(String key) {
        Object v = get(key);
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException(section + "." + key + ": expected a string, found " + v);
        }
        return s;
    }

    long longValue(String key) {
        Object v = get(key);
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof java.math.BigInteger b && b.bitLength() < 64) {
            return b.longValue();
        }
        throw new IllegalArgumentException(section + "." + key + ": expected an integer, found " + v);
    }

    int integer(String key) {
        long v = longValue(key);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(section + "." + key + ": expected a 32-bit integer, found " + v);
        }
        return (int) v;
    }

    double number(String key) {
        Object v = get(key);
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException(section + "." + key + ": expected a number, found " + v);
        }
        return n.doubleValue();
    }

    boolean bool(String key) {
        Object v = get(key);
        if (!(v instanceof Boolean b)) {
            throw new IllegalArgumentException(section + "." + key + ": expected true or false, found " + v);
        }
        return b;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> object(String key) {
        Object v = get(key);
        if (!(v instanceof Map<?, ?>)) {
            throw new IllegalArgumentException(section + "." + key + ": expected an object, found " + v);
        }
        return (Map<String, Object>) v;
    }
}
