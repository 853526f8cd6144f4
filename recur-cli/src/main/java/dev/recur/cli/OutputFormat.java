package dev.recur.cli;

/** How results are written to stdout; selected with the global {@code --format} option. */
public enum OutputFormat {
    /** Human-readable text: {@code key: value} lines for a record, {@code key=value ...} for a row. */
    TEXT,
    /** Machine-readable: every stdout line is exactly one JSON object. */
    JSON
}
