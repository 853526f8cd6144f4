package dev.recur.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.recur.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A command's table of results (a prediction per row): written as CSV (RFC 4180) or as JSON Lines,
 * into a file (atomically; JSON Lines when its name ends in {@code .jsonl} or {@code .json}) or to
 * standard output (JSON Lines under {@code --format json}). A null value is an empty cell or a JSON
 * null. Not thread-safe.
 */
final class ResultRows {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> header;
    private final List<Object[]> rows = new ArrayList<>();

    ResultRows(List<String> header) {
        this.header = List.copyOf(header);
    }

    /** Adds a row, one value per column (strings, numbers or null). */
    void add(Object... values) {
        if (values.length != header.size()) {
            throw new IllegalStateException("row of " + values.length + " values for " + header.size() + " columns");
        }
        rows.add(values.clone());
    }

    int size() {
        return rows.size();
    }

    /**
     * Writes the rows.
     *
     * @param out    the command's output
     * @param file   the file, or null for standard output
     * @param notice what to say once a file is written
     * @throws IOException if the file cannot be written
     */
    void write(Output out, Path file, String notice) throws IOException {
        if (file == null) {
            if (out.isJson()) {
                for (Object[] r : rows) {
                    out.row(map(r));
                }
            } else {
                out.value("rows", csv().stripTrailing());
            }
            return;
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String text = name.endsWith(".jsonl") || name.endsWith(".json") ? jsonLines() : csv();
        AtomicFiles.writeBytes(file, text.getBytes(StandardCharsets.UTF_8));
        out.notice("%s", notice);
    }

    private Map<String, Object> map(Object[] r) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int c = 0; c < r.length; c++) {
            m.put(header.get(c), r[c]);
        }
        return m;
    }

    private String jsonLines() throws IOException {
        StringBuilder s = new StringBuilder();
        for (Object[] r : rows) {
            s.append(JSON.writeValueAsString(map(r))).append('\n');
        }
        return s.toString();
    }

    private String csv() {
        StringBuilder s = new StringBuilder();
        line(s, header.toArray());
        for (Object[] r : rows) {
            line(s, r);
        }
        return s.toString();
    }

    private static void line(StringBuilder s, Object[] values) {
        for (int c = 0; c < values.length; c++) {
            if (c > 0) {
                s.append(',');
            }
            s.append(values[c] == null ? "" : cell(values[c].toString()));
        }
        s.append('\n');
    }

    /** A value as one CSV cell: quoted, with quotes doubled, when it holds a comma, a quote or a line break. */
    static String cell(String v) {
        return v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")
                ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
    }
}
