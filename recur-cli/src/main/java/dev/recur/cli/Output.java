package dev.recur.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Where every subcommand writes. Results go to stdout; notices, warnings and progress go to stderr,
 * so that stdout can be piped into another program untouched.
 *
 * <p>With {@link OutputFormat#JSON} every stdout line is exactly one JSON object: each call of
 * {@link #record}, {@link #row} or {@link #value} writes one line. With {@link OutputFormat#TEXT}:
 * <ul>
 *   <li>{@link #record} writes one {@code key: value} line per field (for a single summary);</li>
 *   <li>{@link #row} writes the fields on one line as {@code key=value key=value} (for a stream of
 *       rows, such as per-epoch metrics);</li>
 *   <li>{@link #value} writes the bare value (for example generated text).</li>
 * </ul>
 * In text, strings, numbers and booleans are written as they are; other values (lists, maps,
 * arrays, objects) as compact JSON. Stderr is always plain text; {@code --quiet} silences notices
 * and progress, but never warnings.
 */
public final class Output {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, Object>> OBJECT = new TypeReference<>() {
    };

    private final PrintWriter out;
    private final PrintWriter err;
    private final OutputFormat format;
    private final boolean quiet;

    /**
     * Creates an output.
     *
     * @param out    where results go (stdout)
     * @param err    where notices, warnings and progress go (stderr)
     * @param format how results are written
     * @param quiet  whether to drop notices and progress
     */
    public Output(PrintWriter out, PrintWriter err, OutputFormat format, boolean quiet) {
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
        this.format = Objects.requireNonNull(format, "format");
        this.quiet = quiet;
    }

    /**
     * The format results are written in.
     *
     * @return the format
     */
    public OutputFormat format() {
        return format;
    }

    /**
     * Whether results are written as JSON lines.
     *
     * @return {@code true} for {@link OutputFormat#JSON}
     */
    public boolean isJson() {
        return format == OutputFormat.JSON;
    }

    /**
     * Writes one result record: in text one {@code key: value} line per field, in JSON one object.
     *
     * @param fields a {@code Map<String, ?>} (its iteration order is kept), or a Java record or bean
     *               that Jackson can turn into a JSON object
     */
    public void record(Object fields) {
        Map<String, Object> map = toMap(fields);
        if (isJson()) {
            out.println(toJson(map));
        } else {
            map.forEach((k, v) -> out.println(k + ": " + text(v)));
        }
        out.flush();
    }

    /**
     * Writes one row of a stream of results: in text the fields on one line as
     * {@code key=value key=value}, in JSON one object.
     *
     * @param fields a {@code Map<String, ?>}, or a Java record or bean (see {@link #record})
     */
    public void row(Object fields) {
        Map<String, Object> map = toMap(fields);
        if (isJson()) {
            out.println(toJson(map));
        } else {
            StringBuilder line = new StringBuilder();
            map.forEach((k, v) -> {
                if (line.length() > 0) {
                    line.append(' ');
                }
                String t = text(v);
                line.append(k).append('=').append(needsQuoting(t) ? toJson(t) : t);
            });
            out.println(line);
        }
        out.flush();
    }

    /**
     * Writes a single result value: in text the bare value, in JSON the object {@code {key: value}}.
     *
     * @param key   the field name used in JSON
     * @param value the value
     */
    public void value(String key, Object value) {
        if (isJson()) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put(key, value);
            out.println(toJson(map));
        } else {
            out.println(text(value));
        }
        out.flush();
    }

    /**
     * Writes an informational line to stderr, unless {@code --quiet}.
     *
     * @param format a {@link String#format} pattern
     * @param args   its arguments
     */
    public void notice(String format, Object... args) {
        if (!quiet) {
            err.println(args.length == 0 ? format : String.format(format, args));
            err.flush();
        }
    }

    /**
     * Writes a progress line to stderr (for example one per epoch), unless {@code --quiet}.
     *
     * @param format a {@link String#format} pattern
     * @param args   its arguments
     */
    public void progress(String format, Object... args) {
        notice(format, args);
    }

    /**
     * Writes a warning line to stderr, prefixed with {@code warning: }; shown even with {@code --quiet}.
     *
     * @param format a {@link String#format} pattern
     * @param args   its arguments
     */
    public void warn(String format, Object... args) {
        err.println("warning: " + (args.length == 0 ? format : String.format(format, args)));
        err.flush();
    }

    private static Map<String, Object> toMap(Object fields) {
        Objects.requireNonNull(fields, "fields");
        if (fields instanceof Map<?, ?> m) {
            Map<String, Object> map = new LinkedHashMap<>();
            m.forEach((k, v) -> map.put(String.valueOf(k), v));
            return map;
        }
        try {
            return JSON.convertValue(fields, OBJECT);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("not writable as a JSON object: " + fields.getClass().getName(), e);
        }
    }

    private static String text(Object v) {
        if (v == null || v instanceof CharSequence || v instanceof Number || v instanceof Boolean
                || v instanceof Character || v instanceof Enum<?>) {
            return String.valueOf(v);
        }
        return toJson(v);
    }

    private static boolean needsQuoting(String s) {
        if (s.isEmpty()) {
            return true;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c) || c == '"' || c == '=') {
                return true;
            }
        }
        return false;
    }

    private static String toJson(Object v) {
        try {
            return JSON.writeValueAsString(v);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write as JSON: " + e.getOriginalMessage(), e);
        }
    }
}
