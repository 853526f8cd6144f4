package dev.recur.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.recur.checkpoint.Manifest;
import dev.recur.model.TokenSampler;
import dev.recur.tensor.Parallel;

/**
 * Checks of options that the commands share, made before any long work: thread counts, the sampling
 * temperature, the folders results are written into, and outputs that would replace an input.
 */
final class OptionChecks {

    private OptionChecks() {
    }

    /**
     * Checks {@code --threads} ({@link Parallel#requireThreads}, the rule of the core library).
     *
     * @param threads the value
     * @param zeroForEachProcessor whether 0 is allowed, meaning one thread per processor
     * @return {@code threads}
     * @throws IllegalArgumentException naming {@code --threads} if it is out of range
     */
    static int threads(int threads, boolean zeroForEachProcessor) {
        return Parallel.requireThreads("--threads", threads, zeroForEachProcessor);
    }

    /**
     * A refusal of the core library that names a setting first ({@code "hidden_size: expected ..."}),
     * with the option that gave the setting named instead ({@code "--hidden: expected ..."}).
     *
     * @param options the options by the settings' names in the core's messages
     * @param e       the refusal
     * @return a new exception caused by {@code e}, or {@code e} if it names none of the settings
     */
    static IllegalArgumentException naming(Map<String, String> options, IllegalArgumentException e) {
        String message = String.valueOf(e.getMessage());
        for (Map.Entry<String, String> o : options.entrySet()) {
            if (message.startsWith(o.getKey() + ": ")) {
                return new IllegalArgumentException(o.getValue() + message.substring(o.getKey().length()), e);
            }
        }
        return e;
    }

    /**
     * Checks {@code --temperature} ({@link TokenSampler#requireTemperature}, the rule of the core library).
     *
     * @param temperature the value
     * @return {@code temperature}
     * @throws IllegalArgumentException naming {@code --temperature} if it is negative, NaN or infinite
     */
    static double temperature(double temperature) {
        return TokenSampler.requireTemperature("--temperature", temperature);
    }

    /**
     * Checks that {@code dir} can be the folder a command writes into: an existing folder we may
     * write in, or a path whose nearest existing ancestor is such a folder (so that it can be created).
     *
     * @param option the option that gave the folder, for messages
     * @param dir    the folder
     * @throws IllegalArgumentException if it, or a folder on its path, is a file
     * @throws IOException              if it cannot be written or created (permission denied)
     */
    static void writableFolder(String option, Path dir) throws IOException {
        Path p = dir.toAbsolutePath().normalize();
        while (!Files.exists(p) && p.getParent() != null) {
            p = p.getParent();
        }
        if (!Files.isDirectory(p)) {
            throw new IllegalArgumentException(option + ": expected a folder to write into, found " + dir
                    + (p.equals(dir.toAbsolutePath().normalize()) ? ", which is a file" : ", whose path holds the file "
                    + p) + "; likely cause: a file was given where a folder was expected");
        }
        if (!Files.isWritable(p)) {
            throw new AccessDeniedException(dir.toString(), null, Files.exists(dir)
                    ? "expected a folder to write into (" + option + "), found one without write permission; likely "
                    + "cause: a folder of another user, or a read-only file system"
                    : "expected a folder that can be created (" + option + "), found no write permission in " + p
                    + "; likely cause: a folder of another user, or a read-only file system");
        }
    }

    /**
     * Refuses a run folder (one holding a {@code checkpoint.json}) as the folder a command writes
     * its results into.
     *
     * @param option the option that gave the folder, for messages
     * @param dir    the folder
     * @param wanted what the folder should be, e.g. {@code "a folder for the results"}
     * @throws IllegalArgumentException if it is a run folder
     */
    static void notARunFolder(String option, Path dir, String wanted) {
        if (Files.exists(dir.resolve(Manifest.FILE))) {
            throw new IllegalArgumentException(option + ": expected " + wanted + ", found the run folder " + dir
                    + " (it holds " + Manifest.FILE + "); likely cause: a run folder was given by mistake");
        }
    }

    /**
     * Refuses an output file that is (after following links) an input of the command: writing the
     * output would replace the input, or the link to it that was given by mistake.
     *
     * @param option the option that gave the output, for messages
     * @param out    the output file
     * @param input  an input file, or null
     * @param what   what the input is, for messages, e.g. {@code "the --text file"}
     * @throws IllegalArgumentException if they are the same file
     * @throws IOException              if they cannot be compared
     */
    static void notAnInput(String option, Path out, Path input, String what) throws IOException {
        if (input != null && Files.exists(out) && Files.exists(input) && Files.isSameFile(out, input)) {
            // the output replaces a link (not what it resolves to), but naming an input is still a mistake
            throw new IllegalArgumentException(option + ": expected a file that is not an input of the command, found "
                    + out + (Files.isSymbolicLink(out) ? ", a link that resolves to " + what
                    + "; likely cause: the options were mixed up"
                    : ", which is " + what + "; likely cause: the options were mixed up (writing " + out.getFileName()
                    + " would replace it)"));
        }
    }

    /**
     * Checks, before any work, a file a command will write: its folder exists (or can be made) and
     * may be written, the path is a regular file or nothing (never a device, a pipe, a folder or a
     * link), and it is not an input of the command.
     *
     * @param option the option that gave the file, for messages
     * @param file   the file, or null for none
     * @param input  an input of the command, or null
     * @param what   what the input is, for messages
     * @throws IllegalArgumentException if the file cannot be one the command writes
     * @throws IOException              as {@link #writableFolder} and {@link dev.recur.io.AtomicFiles#requireReplaceable}
     */
    static void outputFile(String option, Path file, Path input, String what) throws IOException {
        if (file == null) {
            return;
        }
        Path parent = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(parent)) {
            throw new IllegalArgumentException(option + ": expected a file in an existing folder, found " + file
                    + " (no folder " + parent + "); likely cause: a mistyped path, or the folder not created yet");
        }
        writableFolder(option, parent);
        dev.recur.io.AtomicFiles.requireReplaceable(file);
        notAnInput(option, file, input, what);
    }

    /**
     * Parses an option's value with a library parser, naming the option in the refusal.
     *
     * @param option the option, e.g. {@code --pooling}
     * @param parse  the parser
     * @param <T>    the value's type
     * @return the value
     * @throws IllegalArgumentException the parser's refusal, prefixed with the option
     */
    static <T> T parsed(String option, java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
        }
    }

    /**
     * Refuses an empty path argument (an empty string names the working directory, never what was meant).
     *
     * @param name the argument, e.g. {@code RUN}
     * @param path its value
     * @throws IllegalArgumentException if it is empty
     */
    static void notEmpty(String name, Path path) {
        if (path == null || path.toString().isEmpty()) {
            throw new IllegalArgumentException(name + ": expected a path, found an empty argument; likely cause: an "
                    + "unset shell variable");
        }
    }
}
