package dev.recur.data.table;

import dev.recur.io.FormatException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A table read from a user's file: a header of distinct column names and rows of string cells, each
 * row with the line of the file where it starts, so that every refusal can name the file, the line
 * and the column.
 *
 * <p>A cell is a string as written in the file (a CSV cell without its quotes, a JSON number as its
 * text), or {@code null} for an empty cell, a JSON {@code null} or a key a JSON object lacks.
 * {@link #numbers(String, FillPolicy)} and {@link #strings(String)} turn a column into what a model
 * reads, refusing a bad cell with a {@link FormatException} whose one-line message names the file,
 * the line, the column, what was expected and what was found.
 *
 * <p>{@link Tables} reads CSV, TSV and JSON Lines files into tables; {@link #of} builds one directly.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class Table {

    /** Cells that count as a missing number (compared case-insensitively, after trimming). */
    private static final List<String> MISSING_MARKERS = List.of("nan", "na", "n/a", "null");
    /** A decimal number as people write it: no hexadecimal, no {@code d}/{@code f} suffix. */
    private static final Pattern DECIMAL =
            Pattern.compile("[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");
    private static final Pattern INFINITE = Pattern.compile("[+-]?(?:inf|infinity|\u221E)", Pattern.CASE_INSENSITIVE);
    private static final Pattern DECIMAL_COMMA = Pattern.compile("[+-]?[0-9]+,[0-9]+");
    /** How many column names a message lists before it stops. */
    private static final int LISTED_COLUMNS = 20;
    /** How many characters of a cell a message quotes before it stops. */
    private static final int QUOTED_CHARS = 40;

    private final Path source;
    private final List<String> columns;
    private final Map<String, Integer> index;
    private final String[][] cells;
    private final long[] lines;
    private final String sha256;

    private Table(Path source, List<String> columns, Map<String, Integer> index, String[][] cells, long[] lines,
                  String sha256) {
        this.sha256 = sha256;
        this.source = source;
        this.columns = columns;
        this.index = index;
        this.cells = cells;
        this.lines = lines;
    }

    /**
     * Builds a table from its parts, for tests and for readers of other formats. The arguments are
     * copied; an empty string cell becomes {@code null}.
     *
     * @param source the file the table stands for, named in messages
     * @param columns the column names, in file order: non-empty and distinct
     * @param rows the rows, each with exactly one cell per column ({@code null} for an empty cell)
     * @param lines for each row, the 1-based line of the file where it starts
     * @return the table
     * @throws IllegalArgumentException if a column name is empty or repeated, a row has the wrong
     *     number of cells, a line is below 1, or there is not one line per row
     * @throws NullPointerException if an argument, a column name or a row is null
     */
    public static Table of(Path source, List<String> columns, List<String[]> rows, long[] lines) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(columns, "columns");
        Objects.requireNonNull(rows, "rows");
        Objects.requireNonNull(lines, "lines");
        List<String> names = List.copyOf(columns);
        Map<String, Integer> index = new HashMap<>();
        for (int c = 0; c < names.size(); c++) {
            String name = names.get(c);
            if (name.isEmpty()) {
                throw new IllegalArgumentException("column " + (c + 1) + " has an empty name");
            }
            Integer earlier = index.putIfAbsent(name, c);
            if (earlier != null) {
                throw new IllegalArgumentException("columns " + (earlier + 1) + " and " + (c + 1)
                        + " have the same name " + quote(name));
            }
        }
        if (lines.length != rows.size()) {
            throw new IllegalArgumentException(rows.size() + " rows but " + lines.length + " lines");
        }
        String[][] cells = new String[rows.size()][];
        for (int r = 0; r < cells.length; r++) {
            String[] row = Objects.requireNonNull(rows.get(r), "row");
            if (row.length != names.size()) {
                throw new IllegalArgumentException("row " + r + " has " + row.length + " cells, expected "
                        + names.size() + " (one per column)");
            }
            if (lines[r] < 1) {
                throw new IllegalArgumentException("row " + r + " has line " + lines[r] + ", expected at least 1");
            }
            cells[r] = row.clone();
            for (int c = 0; c < row.length; c++) {
                if (row[c] != null && row[c].isEmpty()) {
                    cells[r][c] = null;
                }
            }
        }
        return new Table(source, names, Collections.unmodifiableMap(index), cells, lines.clone(), null);
    }

    /** This table with the SHA-256 of the file it was read from. */
    Table withSha256(String value) {
        return new Table(source, columns, index, cells, lines, value);
    }

    /**
     * Returns the SHA-256 of the file's bytes as read (64 lower-case hex digits), for provenance and
     * to tell a run's own data from other data; null for a table not read from a file.
     *
     * @return the digest, or null
     */
    public String sha256() {
        return sha256;
    }

    /**
     * Returns the file the table was read from, as it was given to the reader (for messages).
     *
     * @return the path
     */
    public Path source() {
        return source;
    }

    /**
     * Returns the column names in file order.
     *
     * @return an unmodifiable list
     */
    public List<String> columns() {
        return columns;
    }

    /**
     * Returns the number of data rows (the header is not a row).
     *
     * @return the row count
     */
    public int rows() {
        return cells.length;
    }

    /**
     * Tells whether the table has a column of this name (case-sensitive).
     *
     * @param name the column name
     * @return true if it has one
     */
    public boolean hasColumn(String name) {
        return index.containsKey(name);
    }

    /**
     * Returns the index of a column.
     *
     * @param name the column name (case-sensitive)
     * @return its 0-based position in {@link #columns()}
     * @throws FormatException if there is no such column; the message lists the columns there are
     */
    public int column(String name) throws FormatException {
        Integer c = index.get(name);
        if (c != null) {
            return c;
        }
        String cause = "a misspelt column name (names are case-sensitive)";
        for (String other : columns) {
            if (name != null && other.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                cause = "names are case-sensitive; the column is " + quote(other);
                break;
            }
        }
        return fail("a column named " + quote(name), "the columns " + listColumns(), cause);
    }

    /**
     * Returns a cell as written in the file.
     *
     * @param row the 0-based row
     * @param column the 0-based column
     * @return the cell, or {@code null} for an empty cell, a JSON {@code null} or a missing JSON key
     * @throws IndexOutOfBoundsException if the row or the column does not exist
     */
    public String cell(int row, int column) {
        Objects.checkIndex(row, cells.length);
        Objects.checkIndex(column, columns.size());
        return cells[row][column];
    }

    /**
     * Returns the line of the file where a row starts (a row with a quoted line break spans more than
     * one line).
     *
     * @param row the 0-based row
     * @return the 1-based line
     * @throws IndexOutOfBoundsException if the row does not exist
     */
    public long line(int row) {
        Objects.checkIndex(row, cells.length);
        return lines[row];
    }

    /**
     * Returns a column as numbers, with its missing values filled as the policy says.
     *
     * <p>A cell is trimmed of surrounding white space and read as a decimal number ({@code 12},
     * {@code -0.5}, {@code 1e-3}) with {@link Double#parseDouble}. An empty cell and the markers
     * {@code NaN}, {@code NA}, {@code N/A} and {@code null} (in any case) are missing values.
     *
     * @param column the column name
     * @param fill what to do with a missing value
     * @return one number per row, all finite
     * @throws FormatException if there is no such column; if a cell is not a number, or is infinite or
     *     beyond the range of a double; if every cell is missing; if a cell is missing and the policy is
     *     {@link FillPolicy#NONE}, or the first cell is and it is {@link FillPolicy#PREVIOUS}
     */
    public double[] numbers(String column, FillPolicy fill) throws FormatException {
        Objects.requireNonNull(fill, "fill");
        int c = column(column);
        String name = quote(column);
        double[] values = new double[cells.length];
        boolean[] missing = new boolean[cells.length];
        int firstMissing = -1;
        int present = 0;
        for (int r = 0; r < cells.length; r++) {
            String raw = cells[r][c];
            String text = raw == null ? "" : raw.trim();
            if (text.isEmpty() || MISSING_MARKERS.contains(text.toLowerCase(Locale.ROOT))) {
                missing[r] = true;
                if (firstMissing < 0) {
                    firstMissing = r;
                }
                continue;
            }
            String at = "number in column " + name + " at line " + lines[r];
            if (INFINITE.matcher(text).matches()) {
                fail("a finite " + at, quote(text),
                        "an overflow or a division by zero where the file was made");
            }
            if (!DECIMAL.matcher(text).matches()) {
                fail("a " + at, quote(raw), DECIMAL_COMMA.matcher(text).matches()
                        ? "a decimal comma; write the number with a decimal point (1.5, not 1,5)"
                        : "a text value in a numeric column, or the wrong column");
            }
            double value = Double.parseDouble(text);
            if (Double.isInfinite(value)) {
                fail("a " + at, quote(text) + ", beyond the range of a double (about \u00B11.8e308)",
                        "a value written with the wrong exponent, or an overflow where the file was made");
            }
            values[r] = value;
            present++;
        }
        if (present == 0) {
            fail("at least one number in column " + name,
                    "only missing values (" + cells.length + " row" + (cells.length == 1 ? "" : "s") + ")",
                    "the wrong column, or a column that was never filled in");
        }
        if (firstMissing < 0) {
            return values;
        }
        switch (fill) {
            case NONE:
                fail("a number in column " + name + " at line " + lines[firstMissing],
                        describeMissing(cells[firstMissing][c]), "a missing value; fill or remove it, or choose a "
                                + "fill policy (recur forecast: --fill previous|linear|zero)");
                break;
            case PREVIOUS:
                if (missing[0]) {
                    fail("a number in column " + name + " at line " + lines[0]
                                    + " (the first row, with no value above it for --fill previous)",
                            describeMissing(cells[0][c]), "the series starts with a missing value; fill in or"
                                    + " remove the first row, or choose --fill linear");
                }
                for (int r = 1; r < values.length; r++) {
                    if (missing[r]) {
                        values[r] = values[r - 1];
                    }
                }
                break;
            case LINEAR:
                fillLinear(values, missing);
                break;
            case ZERO:
                // the missing cells already hold 0
                break;
            default:
                throw new AssertionError(fill);
        }
        return values;
    }

    /** Fills the gaps linearly between their neighbours; a gap at an end takes the nearest value. */
    private static void fillLinear(double[] values, boolean[] missing) {
        int before = -1; // the last present row seen
        for (int r = 0; r <= values.length; r++) {
            if (r < values.length && missing[r]) {
                continue;
            }
            int gapStart = before + 1;
            if (gapStart < r) {
                for (int g = gapStart; g < r; g++) {
                    if (before < 0) {
                        values[g] = values[r];
                    } else if (r == values.length) {
                        values[g] = values[before];
                    } else {
                        double t = (double) (g - before) / (r - before);
                        values[g] = values[before] + t * (values[r] - values[before]);
                    }
                }
            }
            before = r;
        }
    }

    /**
     * Returns a column as strings (class labels, categories), each cell as written.
     *
     * @param column the column name
     * @return one string per row, as an unmodifiable list
     * @throws FormatException if there is no such column, or a cell is empty (or only white space)
     */
    public List<String> strings(String column) throws FormatException {
        int c = column(column);
        List<String> values = new ArrayList<>(cells.length);
        for (int r = 0; r < cells.length; r++) {
            String cell = cells[r][c];
            if (cell == null || cell.isBlank()) {
                fail("a value in column " + quote(column) + " at line " + lines[r],
                        cell == null ? "an empty cell" : "only white space " + quote(cell),
                        "a missing value; fill it in or remove the row");
            }
            values.add(cell);
        }
        return Collections.unmodifiableList(values);
    }

    private static String describeMissing(String cell) {
        return cell == null || cell.isBlank() ? "an empty cell" : quote(cell.trim()) + " (a missing value)";
    }

    private String listColumns() {
        StringBuilder list = new StringBuilder();
        for (int c = 0; c < columns.size() && c < LISTED_COLUMNS; c++) {
            list.append(c == 0 ? "" : ", ").append(quote(columns.get(c)));
        }
        if (columns.size() > LISTED_COLUMNS) {
            list.append(", \u2026 (").append(columns.size()).append(" in all)");
        }
        return list.toString();
    }

    /** Throws the refusal (declared to return so that callers may write {@code return fail(...)}). */
    private <T> T fail(String expected, String found, String likelyCause) throws FormatException {
        throw new FormatException(source, expected, found, likelyCause);
    }

    /**
     * A value quoted for a one-line message: in single quotes, line breaks, tabs and other control
     * characters escaped, cut after a few dozen characters.
     */
    static String quote(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(value.length() + 2).append('\'');
        int shown = 0;
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            if (shown == QUOTED_CHARS) {
                out.append('\u2026');
                break;
            }
            switch (cp) {
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                default:
                    if (Character.isISOControl(cp) || cp == 0x2028 || cp == 0x2029) {
                        out.append(String.format(Locale.ROOT, "\\u%04X", cp));
                    } else {
                        out.appendCodePoint(cp);
                    }
            }
            shown++;
            i += Character.charCount(cp);
        }
        return out.append('\'').toString();
    }

    @Override
    public String toString() {
        return "Table[" + source + ", " + columns.size() + " columns, " + cells.length + " rows]";
    }
}
