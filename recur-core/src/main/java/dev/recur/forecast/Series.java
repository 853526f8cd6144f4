package dev.recur.forecast;

import dev.recur.data.table.Table;
import dev.recur.data.table.Tables;
import dev.recur.io.FormatException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The columns of a forecasting model's inputs read from a user's table, in the order of
 * {@link ForecastSpec#inputColumns()} (targets first), one value per row, missing cells filled by
 * the spec's policy or refused. Arrays are kept, not copied: a series is safe to share between
 * threads as long as no one writes into its arrays (nothing in recur does).
 *
 * @param source  the file read
 * @param columns the column names
 * @param values  {@code values[c][t]}: column {@code c} at row {@code t}
 * @param times   the time column's cells ({@code null} cells allowed), or null without a time column
 * @param sha256  the SHA-256 of the file read, or null for a series made in memory
 */
public record Series(Path source, List<String> columns, double[][] values, String[] times, String sha256) {

    /**
     * Checks the shapes.
     *
     * @param source  the file
     * @param columns the names
     * @param values  the values
     * @param times   the time stamps, or null
     * @param sha256  the file's SHA-256, or null
     */
    public Series {
        Objects.requireNonNull(source, "source");
        columns = List.copyOf(columns);
        if (values.length != columns.size() || values.length == 0) {
            throw new IllegalArgumentException("series: expected one array per column (" + columns.size()
                    + "), found " + values.length);
        }
        for (double[] v : values) {
            if (v.length != values[0].length) {
                throw new IllegalArgumentException("series: expected columns of equal length");
            }
        }
        if (times != null && times.length != values[0].length) {
            throw new IllegalArgumentException("series: expected one time stamp per row");
        }
    }

    /**
     * Reads the spec's columns from a CSV or JSON Lines file ({@link Tables#read}).
     *
     * @param file the file
     * @param spec which columns, and how to fill missing cells
     * @return the series
     * @throws FormatException if the file is not a table, a column is missing, a cell is not a
     *                         number, or a cell is missing without a fill policy (the message names
     *                         the file, the line and the column)
     * @throws IOException     if the file cannot be read
     */
    public static Series read(Path file, ForecastSpec spec) throws IOException {
        return of(Tables.read(file), spec);
    }

    /**
     * The spec's columns of a table.
     *
     * @param table the table
     * @param spec  which columns, and how to fill missing cells
     * @return the series
     * @throws FormatException as {@link #read}
     */
    public static Series of(Table table, ForecastSpec spec) throws FormatException {
        List<String> names = spec.inputColumns();
        double[][] values = new double[names.size()][];
        for (int c = 0; c < values.length; c++) {
            values[c] = table.numbers(names.get(c), spec.fill());
        }
        String[] times = null;
        if (spec.timeColumn() != null) {
            int tc = table.column(spec.timeColumn());
            times = new String[table.rows()];
            for (int r = 0; r < times.length; r++) {
                times[r] = table.cell(r, tc);
            }
        }
        return new Series(table.source(), names, values, times, table.sha256());
    }

    /** Column names taken for a time column when none is named (compared ignoring case). */
    public static final List<String> TIME_NAMES = List.of("time", "date", "year", "month", "week", "day",
            "timestamp", "datetime", "ds");

    /**
     * The time column of a table when none is named: its first column, if that is named as one of
     * {@link #TIME_NAMES}.
     *
     * @param table the table
     * @return the column name, or null
     */
    public static String timeColumnOf(Table table) {
        String first = table.columns().get(0);
        return TIME_NAMES.contains(first.toLowerCase(java.util.Locale.ROOT)) ? first : null;
    }

    /**
     * The target when none is named: the one column that is neither the time column nor a covariate.
     *
     * @param table      the table
     * @param time       the time column, or null
     * @param covariates the covariates, or null
     * @return that column, as a list
     * @throws IllegalArgumentException if there is not exactly one such column (the message lists them)
     */
    public static List<String> defaultTargets(Table table, String time, List<String> covariates) {
        List<String> rest = new java.util.ArrayList<>(table.columns());
        rest.remove(time);
        if (covariates != null) {
            rest.removeAll(covariates);
        }
        if (rest.size() != 1) {
            throw new IllegalArgumentException(table.source() + ": expected one column to forecast besides the time "
                    + "column" + (time == null ? " (none found by name)" : " '" + time + "'") + ", found "
                    + rest.size() + ": " + rest + "; likely cause: a file with several columns (name the target, "
                    + "and the time column if it has another name)");
        }
        return rest;
    }

    /** The number of rows. */
    public int rows() {
        return values[0].length;
    }

    /** The time stamp of row {@code t}, or its number when there is no time column. */
    public String time(int t) {
        return times == null || times[t] == null ? Integer.toString(t) : times[t];
    }
}
