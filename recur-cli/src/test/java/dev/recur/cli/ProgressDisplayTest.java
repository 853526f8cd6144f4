package dev.recur.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

/** {@link ProgressDisplay}: what it leaves on stderr. */
class ProgressDisplayTest {

    @Test
    void aBarClosedAtOnceStillEndsItsLine() {
        // The library's first render, when it is also the final one, does not end the line: a
        // message printed next (e.g. "training diverged ...") continued the bar's line.
        for (int i = 0; i < 50; i++) {
            StringWriter err = new StringWriter();
            new ProgressDisplay(new PrintWriter(err, true), true, "train", 8, 5, " steps").close();
            String s = err.toString();
            // the library always renders on close, so there is a line, and it is ended
            assertTrue(s.contains("train") && s.endsWith(System.lineSeparator()), "attempt " + i + ": '" + s + "'");
        }
    }
}
