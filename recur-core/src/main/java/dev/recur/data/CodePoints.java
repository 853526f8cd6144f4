package dev.recur.data;

import java.util.Locale;

/** Helpers for naming code points in messages. */
final class CodePoints {

    private CodePoints() {
    }

    /**
     * Names a code point for an error message: {@code U+0041 'A'} for a visible character,
     * {@code U+000A (LINE FEED (LF))} for a control or other invisible one.
     *
     * @param cp the code point (any int; out-of-range values are shown in hex only)
     * @return the description
     */
    static String describe(int cp) {
        String hex = hex(cp);
        if (cp < 0 || cp > Character.MAX_CODE_POINT) {
            return hex + " (not a Unicode code point)";
        }
        if (Character.getType(cp) == Character.SURROGATE) {
            return hex + " (an unpaired surrogate, not a character)";
        }
        if (visible(cp)) {
            return hex + " '" + new String(Character.toChars(cp)) + "'";
        }
        String name = Character.getName(cp);
        return name == null ? hex : hex + " (" + name + ")";
    }

    /**
     * Formats a code point as {@code U+XXXX} (at least four upper-case hex digits).
     *
     * @param cp the code point
     * @return e.g. {@code U+0041}, {@code U+1F600}
     */
    static String hex(int cp) {
        return cp < 0 ? "code point " + cp : String.format(Locale.ROOT, "U+%04X", cp);
    }

    private static boolean visible(int cp) {
        if (cp == ' ') {
            return true;
        }
        switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.UNASSIGNED, Character.PRIVATE_USE,
                    Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.SURROGATE -> {
                return false;
            }
            default -> {
                return true;
            }
        }
    }
}
