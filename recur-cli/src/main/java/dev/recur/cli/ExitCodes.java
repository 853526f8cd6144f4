package dev.recur.cli;

/** The exit codes of the {@code recur} command. */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;
    /** The command ran but failed, for example because a user file could not be read or written. */
    public static final int FAILURE = 1;
    /** Bad command line or bad input value (unknown option, malformed argument, invalid setting). */
    public static final int USAGE = 2;
    /** An unexpected error inside recur: a bug. */
    public static final int INTERNAL = 70;

    private ExitCodes() {
    }
}
