package dev.recur.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonProcessingException;

import dev.recur.train.TrainingDivergedException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns errors into a one-line message on stderr and an exit code, never a stack trace:
 * <ul>
 *   <li>a picocli {@link ParameterException} (unknown option, bad value, missing argument) and an
 *       {@link IllegalArgumentException} from a command give {@link ExitCodes#USAGE};</li>
 *   <li>an {@link IOException} (also wrapped in {@link UncheckedIOException}), such as a missing or
 *       malformed user file, and a {@link TrainingDivergedException} (a run that diverged under
 *       {@code --on-divergence stop}) give {@link ExitCodes#FAILURE};</li>
 *   <li>anything else is a bug: a one-line {@code internal error} message and
 *       {@link ExitCodes#INTERNAL}.</li>
 * </ul>
 * Setting the environment variable {@code RECUR_DEBUG} (to anything but empty) or the system
 * property {@code recur.debug} adds the stack trace, for debugging.
 */
public final class CliErrors implements IParameterExceptionHandler, IExecutionExceptionHandler {

    /** Creates the handler. */
    public CliErrors() {
    }

    /**
     * Installs this handler on a command line, as both its parameter and execution exception handler.
     *
     * @param cl the root command line
     * @return {@code cl}
     */
    public static CommandLine install(CommandLine cl) {
        CliErrors handler = new CliErrors();
        cl.setParameterExceptionHandler(handler);
        cl.setExecutionExceptionHandler(handler);
        return cl;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        String name = cmd.getCommandSpec().qualifiedName();
        String message = oneLine(ex.getMessage());
        if (message.isEmpty()) {
            message = "invalid command line";
        }
        cmd.getErr().println(name + ": " + message + " (see '" + name + " --help')");
        debugTrace(cmd, ex);
        cmd.getErr().flush();
        return ExitCodes.USAGE;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        Throwable t = ex;
        if (t instanceof UncheckedIOException && t.getCause() != null) {
            t = t.getCause();
        }
        String name = cmd.getCommandSpec().qualifiedName();
        int code;
        String message;
        if (t instanceof IllegalArgumentException) {
            code = ExitCodes.USAGE;
            message = orClassName(t);
        } else if (t instanceof IOException io) {
            code = ExitCodes.FAILURE;
            message = describe(io);
        } else if (t instanceof TrainingDivergedException) {
            code = ExitCodes.FAILURE;
            message = oneLine(t.getMessage());
        } else {
            code = ExitCodes.INTERNAL;
            message = "internal error: " + t.getClass().getName()
                    + (t.getMessage() == null ? "" : ": " + oneLine(t.getMessage()))
                    + " (set RECUR_DEBUG=1 for the stack trace)";
        }
        cmd.getErr().println(name + ": " + message);
        debugTrace(cmd, ex);
        cmd.getErr().flush();
        return code;
    }

    /**
     * Describes an I/O error in one line, naming the file where the exception knows it.
     *
     * @param e the error
     * @return a one-line description
     */
    static String describe(IOException e) {
        if (e instanceof FileSystemException fs && fs.getFile() != null) {
            String file = fs.getFile() + (fs.getOtherFile() == null ? "" : " -> " + fs.getOtherFile());
            if (fs.getReason() != null && !fs.getReason().isBlank()) {
                // the JDK gives its subclasses no reason; recur's reasons (e.g. "no checkpoint in this
                // folder (a run killed before its first checkpoint, ...)") say more than the class does
                return file + ": " + oneLine(fs.getReason());
            } else if (e instanceof NoSuchFileException) {
                return file + ": no such file or directory (expected an existing file or folder; likely cause: a mistyped "
                        + "path, or a folder not created yet)";
            } else if (e instanceof AccessDeniedException) {
                return file + ": permission denied (expected a file or folder this user may use; likely cause: one "
                        + "owned by another user, or a read-only folder)";
            } else if (e instanceof FileAlreadyExistsException) {
                return file + ": already exists (expected no file of that name; likely cause: a file where a folder "
                        + "was meant)";
            } else if (e instanceof NotDirectoryException) {
                return file + ": not a directory (expected a folder, found a file on the path; likely cause: a file "
                        + "where a folder was meant)";
            } else if (e instanceof DirectoryNotEmptyException) {
                return file + ": directory not empty";
            }
            return file + ": " + e.getClass().getSimpleName();
        }
        if (e instanceof JsonProcessingException j) {
            String where = j.getLocation() == null ? ""
                    : String.format(Locale.ROOT, " (line %d, column %d)",
                            j.getLocation().getLineNr(), j.getLocation().getColumnNr());
            return "invalid JSON: " + oneLine(j.getOriginalMessage()) + where;
        }
        return orClassName(e);
    }

    private static String orClassName(Throwable t) {
        String m = oneLine(t.getMessage());
        return m.isEmpty() ? t.getClass().getSimpleName() : m;
    }

    /** The first non-blank line of a message, trimmed; empty for {@code null}. */
    static String oneLine(String message) {
        if (message == null) {
            return "";
        }
        for (String line : message.split("\\R")) {
            if (!line.isBlank()) {
                return line.strip();
            }
        }
        return "";
    }

    private static void debugTrace(CommandLine cmd, Throwable t) {
        String env = System.getenv("RECUR_DEBUG");
        if ((env != null && !env.isEmpty()) || Boolean.getBoolean("recur.debug")) {
            t.printStackTrace(cmd.getErr());
        }
    }
}
