package dev.recur.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.recur.io.Checkpoint;
import dev.recur.tensor.Parallel;

/**
 * Checks of options that the commands share, made before any long work: thread counts, the folders
 * results are written into, and outputs that would replace an input.
 */
final class OptionChecks {

    private OptionChecks() {
    }

    /**
     * Checks {@code --threads} where 0 is not allowed.
     *
     * @param threads the value
     * @return {@code threads}
     * @throws IllegalArgumentException if it is not in {@code 1..}{@link Parallel#MAX_THREADS}
     */
    static int threads(int threads) {
        if (threads < 1 || threads > Parallel.MAX_THREADS) {
            throw new IllegalArgumentException("--threads: expected 1.." + Parallel.MAX_THREADS + ", found " + threads);
        }
        return threads;
    }

    /**
     * Checks {@code --threads} where 0 means one thread per processor.
     *
     * @param threads the value
     * @return {@code threads}
     * @throws IllegalArgumentException if it is not in {@code 0..}{@link Parallel#MAX_THREADS}
     */
    static int threadsOrZero(int threads) {
        if (threads < 0 || threads > Parallel.MAX_THREADS) {
            throw new IllegalArgumentException("--threads: expected 0.." + Parallel.MAX_THREADS
                    + " (0 = one per processor), found " + threads);
        }
        return threads;
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
        if (Files.exists(dir.resolve(Checkpoint.MANIFEST))) {
            throw new IllegalArgumentException(option + ": expected " + wanted + ", found the run folder " + dir
                    + " (it holds " + Checkpoint.MANIFEST + "); likely cause: a run folder was given by mistake");
        }
    }

    /**
     * Refuses an output file that is (after following links) an input of the command, which writing
     * the output would replace.
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
            throw new IllegalArgumentException(option + ": expected a file that is not an input of the command, found "
                    + out + ", which is " + what + "; likely cause: the options were mixed up (writing "
                    + out.getFileName() + " would replace it)");
        }
    }
}
