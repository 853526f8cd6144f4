package dev.recur.cli;

import java.io.PrintWriter;
import java.time.Duration;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr, drawn by the {@code me.tongfei:progressbar} library, redrawn in place
 * with a carriage return about twice a second. Lines written to stdout while it runs go through
 * {@link #println(PrintWriter, String)}, which first clears the bar's line, so that a terminal
 * showing both streams never mixes them on one line. A disabled display draws nothing.
 */
final class ProgressDisplay implements AutoCloseable {

    private final Object lock = new Object();
    private final PrintWriter err;
    private final ProgressBar bar;
    private final int width;
    private int drawn;

    /**
     * Starts a bar.
     *
     * @param err     where to draw it
     * @param enabled false for no bar at all (e.g. {@code --quiet})
     * @param task    the label before the bar
     * @param max     the total, in {@code unit}s
     * @param start   the progress already made (a resumed run)
     * @param unit    the unit shown after the counts, e.g. {@code " steps"}
     */
    ProgressDisplay(PrintWriter err, boolean enabled, String task, long max, long start, String unit) {
        this.err = err;
        this.width = terminalWidth();
        if (!enabled) {
            this.bar = null;
            return;
        }
        this.bar = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(max)
                .startsFrom(start, Duration.ZERO)
                .setUnit(unit, 1)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500)
                .setMaxRenderedLength(width)
                .setConsumer(new Consumer())
                .build();
    }

    /** The width to draw in: {@code $COLUMNS} when set, else 100. */
    private static int terminalWidth() {
        try {
            String columns = System.getenv("COLUMNS");
            if (columns != null) {
                return Math.max(40, Integer.parseInt(columns.trim()) - 1);
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        return 100;
    }

    /**
     * Moves the bar to {@code current} and sets the message after it.
     *
     * @param current the progress, in units
     * @param message e.g. the loss and speed
     */
    void update(long current, String message) {
        if (bar != null) {
            bar.stepTo(current);
            bar.setExtraMessage(message);
        }
    }

    /**
     * Writes a line to {@code out} (stdout), clearing the bar's line on stderr first.
     *
     * @param out  the stream for the line
     * @param line the line
     */
    void println(PrintWriter out, String line) {
        synchronized (lock) {
            clearLine();
            out.println(line);
            out.flush();
        }
    }

    /**
     * Writes a line to stderr, clearing the bar's line first.
     *
     * @param line the line
     */
    void notice(String line) {
        synchronized (lock) {
            clearLine();
            err.println(line);
            err.flush();
        }
    }

    private void clearLine() {
        if (drawn > 0) {
            err.print("\r" + " ".repeat(drawn) + "\r");
            err.flush();
            drawn = 0;
        }
    }

    /** Draws the bar a last time and ends its line. */
    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
        // The library's final render skips ending the line when it is also its first (a bar closed
        // within milliseconds, e.g. a run that fails at once): end it here, or the next line on
        // stderr would continue the bar's.
        synchronized (lock) {
            if (drawn > 0) {
                err.println();
                err.flush();
                drawn = 0;
            }
        }
    }

    /** Draws each rendering over the previous one. */
    private final class Consumer implements ProgressBarConsumer {
        @Override
        public int getMaxRenderedLength() {
            return width;
        }

        @Override
        public void accept(String rendered) {
            synchronized (lock) {
                String line = rendered.length() > width ? rendered.substring(0, width) : rendered;
                int pad = Math.max(0, drawn - line.length());
                err.print("\r" + line + " ".repeat(pad));
                err.flush();
                drawn = line.length();
            }
        }

        @Override
        public void clear() {
            synchronized (lock) {
                clearLine();
            }
        }

        @Override
        public void close() {
            synchronized (lock) {
                if (drawn > 0) {
                    err.println();
                    err.flush();
                    drawn = 0;
                }
            }
        }
    }
}
