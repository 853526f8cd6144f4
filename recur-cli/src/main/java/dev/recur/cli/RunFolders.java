package dev.recur.cli;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

import dev.recur.data.BundledCorpus;
import dev.recur.data.TextCorpus;
import dev.recur.checkpoint.Checkpoint;
import dev.recur.checkpoint.Manifest;
import dev.recur.checkpoint.ManifestFormat;
import dev.recur.model.ModelCodecs;
import dev.recur.model.SequenceModelConfig;
import dev.recur.nn.sequence.RecurrentConfig;
import dev.recur.io.FormatException;

/** Run folders ({@code runs/<yyyyMMdd-HHmmss>}), the latest run, and corpus lookup. */
final class RunFolders {

    /** The default folder of runs, relative to the working directory. */
    static final String DEFAULT_RUNS = "runs";

    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private RunFolders() {
    }

    /**
     * Creates a new, empty run folder: {@code runs/<name>}, the name being the local start time
     * unless given; {@code -2}, {@code -3}, ... is appended if it exists already.
     *
     * @param runs the folder of runs (created if missing)
     * @param name the run name, or null for the start time
     * @return the new folder
     * @throws IOException if it cannot be created
     */
    static Path create(Path runs, String name) throws IOException {
        String base = name != null ? name : LocalDateTime.now().format(NAME);
        if (base.isEmpty() || base.contains("/") || base.contains("\\") || base.equals(".") || base.equals("..")) {
            throw new IllegalArgumentException("--run-name: expected a plain folder name, found '" + base + "'");
        }
        Files.createDirectories(runs);
        for (int i = 1; ; i++) {
            Path dir = runs.resolve(i == 1 ? base : base + "-" + i);
            try {
                return Files.createDirectory(dir);
            } catch (FileAlreadyExistsException e) {
                // taken: try the next suffix
            }
        }
    }

    /**
     * Removes a run folder that a failed command created and that holds no checkpoint: its files and
     * the folder (best effort: an empty or partial run folder is ignored by every command anyway).
     *
     * @param run the run folder
     */
    static void removeUnfinished(Path run) {
        if (Files.exists(run.resolve(Manifest.FILE))) {
            return;
        }
        try (var files = Files.list(run)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(run);
        } catch (IOException e) {
            // best effort, as above
        }
    }

    /**
     * The run folder a command works on: the given one, or the latest run under {@code runs}. A bare
     * name (one without a folder, such as {@code 20250101-120000}) that is not in the working
     * directory is the run of that name under {@code runs}.
     *
     * @param given  a run folder or its {@code checkpoint.json}, or null
     * @param runs   the folder of runs
     * @param option the option that names a run, for the messages: {@code --checkpoint} or {@code --resume}
     * @return the run folder
     * @throws IOException if none is given and there is no run with a checkpoint, a run under
     *                     {@code runs} has a broken {@code checkpoint.json} (so the latest cannot be told),
     *                     or a bare name is found neither in the working directory nor under {@code runs}
     */
    static Path checkpoint(Path given, Path runs, String option) throws IOException {
        if (given != null) {
            if (!given.isAbsolute() && given.getNameCount() == 1 && !Files.exists(given)) {
                Path named = runs.resolve(given);
                if (!Files.exists(named)) {
                    throw new NoSuchFileException(given.toString(), null, "expected a run folder, found none of that "
                            + "name in the working directory or in " + runs + " (--runs-dir); likely cause: a "
                            + "mistyped name, or runs kept in another folder (give its path, or --runs-dir)");
                }
                given = named;
            }
            return ManifestFormat.runDirectory(given);
        }
        String remedy = "give " + option + " RUN_FOLDER";
        Optional<Path> latest;
        try {
            latest = Checkpoint.latestRun(runs);
        } catch (FormatException e) {
            throw e.withRemedy("needed to find the latest run under " + runs + ": " + remedy + ", or repair or remove "
                    + ManifestFormat.runDirectory(e.file()));
        }
        if (latest.isEmpty() && Files.exists(runs) && !Files.isDirectory(runs)) {
            throw new FileNotFoundException(runs + ": expected a folder of runs, found a file; likely cause: "
                    + "--runs-dir names a file (" + remedy + ")");
        }
        if (latest.isEmpty()) {
            throw new FileNotFoundException(runs + ": expected a run folder with a checkpoint, found none; likely"
                    + " cause: no 'recur train' has written a checkpoint under " + runs
                    + " yet, and a quantized copy does not count (run it first, or " + remedy + ")");
        }
        return latest.get();
    }

    /**
     * The recurrent stack of a run's model, for messages and size checks before it is loaded.
     *
     * @param manifest the run's manifest
     * @return its configuration
     * @throws FormatException if the run holds no sequence model
     */
    static RecurrentConfig recurrent(Manifest manifest) throws FormatException {
        return manifest.sequenceModel().map(SequenceModelConfig::rnn).orElseThrow(() -> new FormatException(
                manifest.file(), "a model with a recurrent stack (type " + ModelCodecs.SEQUENCE_MODEL + ")",
                "type " + manifest.modelType(), "the run holds a custom model this command cannot read"));
    }

    /**
     * Loads a corpus: a file, or the bundled tinyshakespeare when {@code file} is null.
     *
     * @param file the corpus file, or null
     * @return the corpus
     * @throws IOException if the file is missing, not a regular file (a directory, a device, a pipe),
     *                     unreadable, empty or not UTF-8 text
     */
    static TextCorpus corpus(Path file) throws IOException {
        if (file == null) {
            return BundledCorpus.tinyShakespeare();
        }
        return TextCorpus.load(file);
    }

    /**
     * Loads the corpus a checkpoint was trained on, from its recorded source.
     *
     * @param source the recorded source: a file path or {@code classpath:NAME}
     * @return the corpus
     * @throws IOException if it cannot be loaded
     */
    static TextCorpus recordedCorpus(String source) throws IOException {
        return recordedCorpus(source, "give --corpus FILE");
    }

    /**
     * Loads the corpus a checkpoint was trained on, from its recorded source.
     *
     * @param source the recorded source: a file path or {@code classpath:NAME}
     * @param remedy what the user can do instead when it is gone, e.g. {@code "give --text FILE"}
     * @return the corpus
     * @throws IOException if it cannot be loaded
     */
    static TextCorpus recordedCorpus(String source, String remedy) throws IOException {
        if (source.equals("classpath:" + BundledCorpus.TINY_SHAKESPEARE_RESOURCE)) {
            return BundledCorpus.tinyShakespeare();
        }
        Path p = Path.of(source);
        if (!Files.exists(p)) {
            throw new FileNotFoundException(source + ": expected the corpus the run was trained on, found no such"
                    + " file; likely cause: it was moved, or the run was started from another folder (" + remedy + ")");
        }
        return TextCorpus.load(p);
    }

    /**
     * A short name of a corpus for messages.
     *
     * @param corpus the corpus
     * @return its path, or {@code tinyshakespeare (bundled)}
     */
    static String describe(TextCorpus corpus) {
        return corpus.source().equals("classpath:" + BundledCorpus.TINY_SHAKESPEARE_RESOURCE)
                ? "tinyshakespeare (bundled)" : corpus.source();
    }
}
