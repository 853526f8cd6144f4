package dev.recur.diagnostics;

/**
 * Simple per-character features of a text, to find the units of a character model that track them
 * ({@link UnitCorrelations}). Each returns one value per code point.
 *
 * <p>Immutable and thread-safe.
 */
public enum TextFeatures {
    /**
     * 1 inside a quotation, 0 outside: between an opening and a closing {@code "}, or between
     * {@code “} and {@code ”}, {@code «} and {@code »}, {@code 「} and {@code 」}, {@code 『} and
     * {@code 』}; the quote marks themselves count as inside. A quotation still open at a blank line
     * ends there, CRLF line ends included (a missing closing mark does not swallow the rest of the
     * text).
     */
    INSIDE_QUOTES("inside quotes"),
    /** 1 inside parentheses or square brackets (nested ones counted once), the brackets included. */
    INSIDE_BRACKETS("inside brackets"),
    /** The position in the line: 0 at a line's first character, counting up to its line break. */
    POSITION_IN_LINE("position in line"),
    /** The position in the word: 0 at a word's first letter or digit, counting up; -1 elsewhere. */
    POSITION_IN_WORD("position in word");

    private final String label;

    TextFeatures(String label) {
        this.label = label;
    }

    /** A short human-readable name. */
    public String label() {
        return label;
    }

    /**
     * The feature's value at every code point of {@code text}.
     *
     * @param text code points {@code [T]}
     * @return {@code [T]}
     */
    public double[] of(int[] text) {
        double[] out = new double[text.length];
        switch (this) {
            case INSIDE_QUOTES -> {
                int closing = -1;           // the mark that closes the open quotation, or -1
                for (int t = 0; t < text.length; t++) {
                    int c = text[t];
                    if (closing < 0) {
                        closing = closingQuote(c);
                        out[t] = closing < 0 ? 0 : 1;
                    } else {
                        out[t] = 1;
                        boolean blankLine = c == '\n' && endsLine(text, t - 1);
                        if (c == closing || blankLine) {
                            closing = -1;
                        }
                    }
                }
            }
            case INSIDE_BRACKETS -> {
                int depth = 0;
                for (int t = 0; t < text.length; t++) {
                    int c = text[t];
                    if (c == '(' || c == '[') {
                        depth++;
                    }
                    out[t] = depth > 0 ? 1 : 0;
                    if ((c == ')' || c == ']') && depth > 0) {
                        depth--;
                    }
                }
            }
            case POSITION_IN_LINE -> {
                int pos = 0;
                for (int t = 0; t < text.length; t++) {
                    out[t] = pos;
                    pos = text[t] == '\n' ? 0 : pos + 1;
                }
            }
            case POSITION_IN_WORD -> {
                int pos = -1;
                for (int t = 0; t < text.length; t++) {
                    pos = Character.isLetterOrDigit(text[t]) ? pos + 1 : -1;
                    out[t] = pos;
                }
            }
        }
        return out;
    }

    /** Whether {@code values} holds at least two different numbers (a feature worth correlating with). */
    public static boolean varies(double[] values) {
        for (double v : values) {
            if (v != values[0]) {
                return true;
            }
        }
        return false;
    }

    /** Whether position {@code t}, skipping carriage returns backwards, is a line break (or before the text). */
    private static boolean endsLine(int[] text, int t) {
        while (t >= 0 && text[t] == '\r') {
            t--;
        }
        return t >= 0 && text[t] == '\n';
    }

    /** The mark that closes a quotation opened by {@code c}, or -1 if {@code c} opens none. */
    private static int closingQuote(int c) {
        return switch (c) {
            case '"' -> '"';
            case '\u201C' -> '\u201D';
            case '\u00AB' -> '\u00BB';
            case '\u300C' -> '\u300D';
            case '\u300E' -> '\u300F';
            default -> -1;
        };
    }
}
