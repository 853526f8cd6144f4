package dev.recur.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --out FILE} of the commands that write {@link ResultRows} (a picocli mixin): where the
 * rows go, in the format its name says.
 */
public final class RowsOutOption {

    @Option(names = "--out", paramLabel = "FILE", description = "Write the rows here: CSV, or JSON Lines for a "
            + "name ending in .jsonl or .json. Default: standard output (JSON Lines with --format json).")
    Path file;

    /** Creates the option; picocli fills it. */
    public RowsOutOption() {
    }
}
