package dev.recur.checkpoint;

import dev.recur.io.AtomicFiles;
import dev.recur.io.DType;
import dev.recur.io.Finiteness;
import dev.recur.io.FormatException;
import dev.recur.io.RegularFiles;
import dev.recur.io.SafetensorsFile;
import dev.recur.io.SafetensorsWriter;
import dev.recur.io.Sha256;
import dev.recur.io.StateDicts;
import dev.recur.io.TensorEntry;
import dev.recur.model.Model;
import dev.recur.model.ModelCodec;
import dev.recur.model.ModelCodecs;
import dev.recur.model.Preprocessing;
import dev.recur.optim.OptimizerState;
import dev.recur.tensor.Precision;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A checkpoint of any model and its training, saved in a run folder.
 *
 * <h2>Layout</h2>
 * A run folder holds one current checkpoint (see {@code docs/checkpoint-format.md}):
 * <ul>
 *   <li>{@code checkpoint.json}: the {@link Manifest}; it names the tensor files of the checkpoint
 *       and their SHA-256;</li>
 *   <li>{@code model-<step>.safetensors}: the weights under PyTorch's {@code state_dict} names, in
 *       the model's precision ({@code F32} or {@code F64}), see {@link StateDicts};</li>
 *   <li>{@code optimizer-<step>.safetensors}: the optimizer's state ({@link OptimizerState}, one
 *       tensor per array named {@code <parameter>.<state key>}); absent for a model saved without one;</li>
 *   <li>{@code trainer-<step>.safetensors}: the trainer's own tensors (the recurrent state carried into
 *       the next batch, the loss and validation history), all {@code F64};</li>
 *   <li>{@code best-<step>.safetensors}: under early stopping, the weights of the best model so far.</li>
 * </ul>
 * {@code <step>} is the step count, zero-padded to eight digits.
 *
 * <h2>Atomicity</h2>
 * {@link #save} writes each tensor file atomically ({@link AtomicFiles}) under its new,
 * step-numbered name, then replaces {@code checkpoint.json} atomically, and only then deletes the
 * files of the previous checkpoint. So {@code checkpoint.json} always names complete files with
 * matching checksums: a process killed at any moment leaves the previous checkpoint (or the new
 * one) valid; at worst unreferenced files remain, which the next save removes.
 *
 * <h2>Loading</h2>
 * {@link #loadModel} and {@link #load} verify each file's size and SHA-256 against the manifest
 * before reading it, build the model with the {@link ModelCodec} of its type, check every tensor's
 * name and shape against it, and check that every value is finite. Every problem is a
 * {@link FormatException} (an {@link IOException}) with a one-line message naming the file (and the
 * tensor and element), what was expected and what was found. NaN and infinity are never saved.
 *
 * <h2>Threads</h2>
 * The methods keep no state and may be called from several threads, but a save reads the model and
 * a load builds a new one: do not train a model while it is being saved. Writers of one run folder
 * are kept apart between processes by the {@link RunLock} that the caller takes (the command line
 * does); readers take no lock, and a load that races a save reads the new manifest and tries again.
 */
public final class Checkpoint {

    /** A temporary file left by an interrupted atomic write of one of ours. */
    private static final Pattern TEMP_FILE = Pattern.compile(
            "\\.((model|optimizer|trainer|best)-\\d{8,}\\.safetensors|checkpoint\\.json)\\.[0-9a-z]+\\.tmp");

    private Checkpoint() {
    }

    /**
     * A named array of the trainer's own state, stored as {@code F64}.
     *
     * @param name   the tensor name
     * @param shape  the shape
     * @param values the elements, row-major (float32 values are held exactly)
     */
    public record Tensor(String name, int[] shape, double[] values) {
        /**
         * Checks that the shape describes the values; keeps copies.
         *
         * @param name   the tensor name
         * @param shape  the shape
         * @param values the elements
         */
        public Tensor {
            Objects.requireNonNull(name, "name");
            long size = TensorEntry.elementCount(shape);
            if (size != values.length) {
                throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape)
                        + " has " + size + " elements, found " + values.length + " values");
            }
            shape = shape.clone();
            values = values.clone();
        }

        /** The shape (a copy). */
        @Override
        public int[] shape() {
            return shape.clone();
        }

        /** The elements, row-major (a copy). */
        @Override
        public double[] values() {
            return values.clone();
        }
    }

    /**
     * What a checkpoint saves.
     *
     * @param model          the model (its type, configuration and weights)
     * @param preprocessing  what prediction needs besides the weights
     * @param provenance     the provenance
     * @param step           the training step count
     * @param optimizer      the optimizer state, or null to save the model without one
     * @param trainerTensors the trainer's own tensors (possibly empty); a tensor named
     *                       {@code history.train_loss} may hold NaN for skipped steps
     * @param training       the training section of the manifest: JSON-compatible plain Java values
     * @param best           the file of the best model (already written), or null
     * @param <A>            the array type
     */
    public record Contents<A>(Model<A> model, Preprocessing preprocessing, Provenance provenance, long step,
                              OptimizerState optimizer, List<Tensor> trainerTensors, Map<String, Object> training,
                              Manifest.FileRef best) {
        /**
         * Checks the fields.
         *
         * @param model          the model
         * @param preprocessing  the preprocessing
         * @param provenance     the provenance
         * @param step           the step
         * @param optimizer      the optimizer state, or null
         * @param trainerTensors the trainer tensors
         * @param training       the training section
         * @param best           the best file, or null
         */
        public Contents {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(provenance, "provenance");
            preprocessing = preprocessing == null ? Preprocessing.NONE : preprocessing;
            if (step < 0) {
                throw new IllegalArgumentException("checkpoint: step must be >= 0, found " + step);
            }
            trainerTensors = trainerTensors == null ? List.of() : List.copyOf(trainerTensors);
            training = training == null ? Map.of() : new LinkedHashMap<>(training);
        }
    }

    /** Called by {@link #save} between writing the tensor files and committing the manifest. */
    @FunctionalInterface
    public interface WriteHook {
        /** A hook that does nothing. */
        WriteHook NONE = (dir, step) -> { };

        /**
         * Runs after the new tensor files are complete and before {@code checkpoint.json} names them.
         *
         * @param directory the run folder
         * @param step      the step being saved
         * @throws IOException to abandon the save (the previous checkpoint stays current)
         */
        void beforeCommit(Path directory, long step) throws IOException;
    }

    /**
     * Saves a checkpoint into a run folder, replacing its previous checkpoint; see the class description.
     *
     * @param directory the run folder; created if missing
     * @param contents  what to save
     * @param hook      called between writing the tensor files and committing the manifest
     * @param <A>       the array type
     * @return the manifest written
     * @throws IOException              if writing fails or the hook throws (the previous checkpoint stays current)
     * @throws IllegalArgumentException if a weight, an optimizer array or a trainer tensor holds NaN or
     *                                  infinity (a diverged run), the model's type has no registered codec,
     *                                  or the preprocessing does not fit the model; nothing is written then
     */
    public static <A> Manifest save(Path directory, Contents<A> contents, WriteHook hook) throws IOException {
        Objects.requireNonNull(contents, "contents");
        Objects.requireNonNull(hook, "hook");
        Model<A> model = contents.model();
        ModelCodec codec = ModelCodecs.forModel(model);
        codec.checkPreprocessing(codec.config(model), contents.preprocessing());
        Precision<A> precision = model.precision();
        requireFinite(directory, contents);
        Files.createDirectories(directory);
        String stamp = stamp(contents.step());

        Map<String, SafetensorsWriter> writers = new LinkedHashMap<>();
        writers.put("model", StateDicts.checkedWriter(model).metadata("format", "pt"));   // checked above
        if (contents.optimizer() != null) {
            OptimizerState os = contents.optimizer();
            SafetensorsWriter w = new SafetensorsWriter()
                    .metadata("optimizer", os.optimizer())
                    .metadata("steps", Long.toString(os.steps()));
            for (OptimizerState.Entry e : os.arrays()) {
                double[] v = e.values();
                if (precision.isDouble()) {
                    w.put(e.name(), v, e.shape());
                } else {
                    w.put(e.name(), Precision.F32.fromDoubles(v), e.shape());
                }
            }
            writers.put("optimizer", w);
        }
        SafetensorsWriter tw = new SafetensorsWriter();
        for (Tensor t : contents.trainerTensors()) {
            tw.put(t.name(), t.values(), t.shape());
        }
        writers.put("trainer", tw);

        Map<String, Manifest.FileRef> files = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, SafetensorsWriter> e : writers.entrySet()) {
                files.put(e.getKey(), write(directory, e.getKey() + "-" + stamp + ".safetensors",
                        e.getValue().toBytes()));
            }
        } catch (IOException e) {
            throw notSaved(directory, contents.step(), files, e);
        }
        if (contents.best() != null) {
            files.put("best", contents.best());
        }
        hook.beforeCommit(directory, contents.step());

        String saved = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
        Manifest manifest = new Manifest(directory, ManifestFormat.VERSION, contents.step(), saved, codec.type(),
                codec.config(model), precision.name(), contents.preprocessing(),
                contents.optimizer() == null ? null : contents.optimizer().optimizer(), contents.provenance(),
                contents.training(), files, null);
        try {
            AtomicFiles.writeBytes(directory.resolve(Manifest.FILE), ManifestFormat.write(manifest,
                    contents.optimizer() == null ? 0 : contents.optimizer().steps()));
        } catch (IOException e) {
            throw notSaved(directory, contents.step(), files, e);
        }
        removeStale(directory, files);
        return manifest;
    }

    /**
     * A save that failed writing (a full disk, a read-only folder): the files it wrote that the
     * current manifest does not name are removed, and the error says which file failed, why, and
     * that the previous checkpoint is kept.
     */
    private static FileSystemException notSaved(Path directory, long step, Map<String, Manifest.FileRef> written,
                                               IOException cause) {
        Set<String> current = new HashSet<>();
        String previous = "there is no previous checkpoint";
        try {
            Manifest m = ManifestFormat.read(directory);
            m.files().values().forEach(r -> current.add(r.name()));
            previous = "the previous checkpoint (step " + m.step() + ") is kept";
        } catch (IOException | RuntimeException e) {
            // no readable manifest: nothing of this folder is current
        }
        for (Manifest.FileRef r : written.values()) {
            if (!current.contains(r.name())) {
                try {
                    Files.deleteIfExists(directory.resolve(r.name()));
                } catch (IOException e) {
                    // left behind: the next save removes it (removeStale)
                }
            }
        }
        String file = cause instanceof FileSystemException fs && fs.getFile() != null ? fs.getFile()
                : directory.toString();
        String reason = cause instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason()
                : cause.getMessage();
        FileSystemException e = new FileSystemException(file, null, "expected to write the checkpoint of step "
                + step + ", found: " + reason + "; " + previous + " and the new files were removed; likely cause: "
                + "a full disk, or a folder that may not be written");
        e.initCause(cause);
        return e;
    }

    /**
     * Writes the weights of a model as the best model so far into a run folder (atomically, under a
     * step-numbered name that no manifest names yet): the next {@link #save} names it.
     *
     * @param directory the run folder
     * @param model     the model
     * @param step      the step it was found at
     * @param <A>       the array type
     * @return the file written
     * @throws IOException if writing fails
     */
    public static <A> Manifest.FileRef saveBest(Path directory, Model<A> model, long step) throws IOException {
        StateDicts.requireFinite(directory, model);
        Files.createDirectories(directory);
        return write(directory, "best-" + stamp(step) + ".safetensors",
                StateDicts.checkedWriter(model).metadata("format", "pt").toBytes());
    }

    static String stamp(long step) {
        return String.format(Locale.ROOT, "%08d", step);
    }

    static Manifest.FileRef write(Path directory, String name, byte[] bytes) throws IOException {
        AtomicFiles.writeBytes(directory.resolve(name), bytes);
        return new Manifest.FileRef(name, sha256(bytes), bytes.length);
    }

    /** Refuses contents holding NaN or infinity (a diverged run), before anything is written. */
    private static <A> void requireFinite(Path directory, Contents<A> contents) {
        StateDicts.requireFinite(directory, contents.model());
        if (contents.optimizer() != null) {
            for (OptimizerState.Entry e : contents.optimizer().arrays()) {
                double[] v = e.values();
                Finiteness.requireFiniteToWrite(directory, "optimizer state '" + e.name() + "'", e.shape(),
                        Precision.F64, v, v.length);
            }
        }
        for (Tensor t : contents.trainerTensors()) {
            double[] v = t.name().equals(TrainingStates.LOSS_HISTORY) ? withoutNaN(t.values) : t.values;
            Finiteness.requireFiniteToWrite(directory, "trainer tensor '" + t.name() + "'", t.shape(), Precision.F64,
                    v, v.length);
        }
    }

    /** A loss history with the NaN of skipped steps set to 0, for the check of what else it holds. */
    private static double[] withoutNaN(double[] values) {
        double[] out = values.clone();
        for (int i = 0; i < out.length; i++) {
            if (Double.isNaN(out[i])) {
                out[i] = 0;
            }
        }
        return out;
    }

    /** Deletes tensor files not named by the new manifest, and temporary files of interrupted saves. */
    private static void removeStale(Path directory, Map<String, Manifest.FileRef> current) {
        Set<String> keep = new HashSet<>();
        current.values().forEach(r -> keep.add(r.name()));
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(directory)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if ((ManifestFormat.TENSOR_FILE.matcher(n).matches() && !keep.contains(n))
                        || TEMP_FILE.matcher(n).matches()) {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException e) {
                        // Harmless: a stale file is never read; the next save tries again.
                    }
                }
            }
        } catch (IOException e) {
            // Harmless, as above.
        }
    }

    /**
     * A model loaded from a checkpoint, with its manifest.
     *
     * @param manifest the manifest
     * @param model    the model, with the checkpoint's weights, in evaluation mode
     * @param <A>      the array type
     */
    public record Loaded<A>(Manifest manifest, Model<A> model) {
        /** What prediction needs besides the weights. */
        public Preprocessing preprocessing() {
            return manifest.preprocessing();
        }
    }

    /**
     * Loads the model of a checkpoint, reading only the manifest and the model file (or the best
     * model's).
     *
     * @param path      a run folder or its {@code checkpoint.json}
     * @param precision the precision to compute in (a float32 checkpoint widens exactly into float64;
     *                  a float64 one is rounded into float32)
     * @param best      whether to load the best model kept under early stopping instead of the current
     * @param <A>       the array type
     * @return the manifest and the model
     * @throws FormatException     if a file's checksum does not match, a file is malformed, a tensor
     *                             holds NaN or infinity, the weights do not fit the recorded
     *                             architecture, or there is no best model
     * @throws NoSuchFileException if the manifest is missing
     * @throws IOException         if reading fails
     */
    public static <A> Loaded<A> loadModel(Path path, Precision<A> precision, boolean best) throws IOException {
        Objects.requireNonNull(precision, "precision");
        return retrying(path, manifest -> {
            String role = best ? "best" : "model";
            if (!manifest.files().containsKey(role)) {
                throw new FormatException(manifest.file(), "files.best (the best model kept by early stopping)",
                        "no such entry", "the run was trained without early stopping, or has not validated yet");
            }
            return new Loaded<>(manifest, model(manifest, verified(manifest, role, manifest.files().get(role)),
                    precision));
        });
    }

    /**
     * Everything a checkpoint holds, for resuming its run.
     *
     * @param manifest       the manifest
     * @param model          the model with the checkpoint's weights
     * @param optimizer      the optimizer's state, or null when saved without one
     * @param trainerTensors the trainer's own tensors
     * @param <A>            the array type
     */
    public record Restored<A>(Manifest manifest, Model<A> model, OptimizerState optimizer,
                              Map<String, Tensor> trainerTensors) {
    }

    /**
     * Loads a checkpoint whole: verifies the checksums, builds the model in the given precision and
     * loads its weights, the optimizer state and the trainer tensors.
     *
     * @param path      a run folder or its {@code checkpoint.json}
     * @param precision the precision to compute in
     * @param <A>       the array type
     * @return the contents
     * @throws FormatException     as {@link #loadModel}, also for the optimizer and trainer files
     * @throws NoSuchFileException if the manifest is missing
     * @throws IOException         if reading fails
     */
    public static <A> Restored<A> load(Path path, Precision<A> precision) throws IOException {
        Objects.requireNonNull(precision, "precision");
        return retrying(path, manifest -> {
            if (QuantizedRuns.isQuantized(manifest.dtype())) {
                throw new FormatException(manifest.file(), "a run with float weights to resume",
                        manifest.dtype() + " weights, a quantized copy for inference (recur quantize)",
                        "training needs float weights: resume " + QuantizedRuns.source(manifest));
            }
            Map<String, SafetensorsFile> files = new LinkedHashMap<>();
            for (Map.Entry<String, Manifest.FileRef> e : manifest.files().entrySet()) {
                if (!e.getKey().equals("best")) {
                    files.put(e.getKey(), verified(manifest, e.getKey(), e.getValue()));
                }
            }
            Model<A> model = model(manifest, files.get("model"), precision);
            OptimizerState optimizer = files.containsKey("optimizer") ? optimizer(manifest, files.get("optimizer"))
                    : null;
            SafetensorsFile tf = files.get("trainer");
            Map<String, Tensor> state = new LinkedHashMap<>();
            for (TensorEntry t : tf.entries()) {
                if (!t.dtype().isFloatingPoint()) {
                    throw new FormatException(tf.path(), "F64 tensors", "tensor '" + t.name() + "' of dtype "
                            + t.dtype(), "the file was not written by recur");
                }
                double[] values = tf.doubles(t.name());
                Finiteness.requireFinite(tf.path(), t.name(), t.shape(),
                        t.name().equals(TrainingStates.LOSS_HISTORY) ? withoutNaN(values) : values);
                state.put(t.name(), new Tensor(t.name(), t.shape(), values));
            }
            return new Restored<>(manifest, model, optimizer, state);
        });
    }

    /** A read of a checkpoint's files, given its manifest. */
    private interface Read<T> {
        T from(Manifest manifest) throws IOException;
    }

    /**
     * Reads a checkpoint: a concurrent save may replace the manifest and delete the files it named
     * between our reading the manifest and the files; then read the new manifest and try again.
     */
    private static <T> T retrying(Path path, Read<T> read) throws IOException {
        for (int attempt = 1; ; attempt++) {
            Manifest manifest = ManifestFormat.read(path);
            try {
                return read.from(manifest);
            } catch (NoSuchFileException e) {
                if (attempt >= 3 || manifest.step() == ManifestFormat.read(path).step()) {
                    Path missing = Path.of(e.getFile());
                    throw new FormatException(missing, "the file named by " + Manifest.FILE, "no such file",
                            "files of the run were deleted, or the folder was copied incompletely", e);
                }
            }
        }
    }

    /** Weights a configuration may claim beyond twice those of its file before it is refused unbuilt. */
    private static final long MODEL_SLACK = 1L << 20;

    /** Builds the model of a manifest with its codec and loads the weights of {@code file} into it. */
    private static <A> Model<A> model(Manifest manifest, SafetensorsFile file, Precision<A> precision)
            throws IOException {
        if (QuantizedRuns.isQuantized(manifest.dtype())) {
            return QuantizedRuns.model(manifest, file, precision);
        }
        DType saved = manifest.dtype().equals("float64") ? DType.F64 : DType.F32;
        for (TensorEntry t : file.entries()) {
            if (t.dtype() != saved) {
                throw new FormatException(file.path(), saved + " tensors (model.dtype \"" + manifest.dtype() + "\" in "
                        + Manifest.FILE + ")", "tensor '" + t.name() + "' of dtype " + t.dtype(),
                        "the manifest or the file was edited by hand");
            }
        }
        Model<A> model;
        try {
            ModelCodec codec = ModelCodecs.forType(manifest.modelType());
            requireHeldWeights(manifest, file);
            model = codec.create(manifest.modelConfig(), precision, manifest.provenance().seed());
        } catch (IllegalArgumentException e) {
            throw FormatException.wrapping(manifest.file(), "a model type and configuration recur can build", e);
        }
        StateDicts.loadStateDict(model, file);
        model.setTraining(false);
        return model;
    }

    private static OptimizerState optimizer(Manifest manifest, SafetensorsFile of) throws IOException {
        String name = of.metadata().get("optimizer");
        String steps = of.metadata().get("steps");
        long stepCount;
        try {
            stepCount = Long.parseLong(steps == null ? "" : steps);
        } catch (NumberFormatException e) {
            throw new FormatException(of.path(), "metadata 'steps' holding the optimizer's step count",
                    steps == null ? "no such entry" : "\"" + steps + "\"", "the file was not written by recur");
        }
        if (stepCount < 0) {
            throw new FormatException(of.path(), "metadata 'steps' holding the optimizer's step count (>= 0)",
                    "\"" + steps + "\"", "the file was edited by hand");
        }
        if (name == null) {
            throw new FormatException(of.path(), "metadata 'optimizer' naming the optimizer", "no such entry",
                    "the file was not written by recur");
        }
        if (manifest.optimizer() != null && !manifest.optimizer().equals(name)) {
            throw new FormatException(of.path(), "metadata 'optimizer' \"" + manifest.optimizer() + "\", as "
                    + "optimizer.name in " + Manifest.FILE, "\"" + name + "\"",
                    "the manifest or the file was edited by hand");
        }
        List<OptimizerState.Entry> entries = new ArrayList<>();
        for (TensorEntry t : of.entries()) {
            double[] values = of.doubles(t.name());
            Finiteness.requireFinite(of.path(), t.name(), t.shape(), values);
            entries.add(new OptimizerState.Entry(t.name(), t.shape(), values));
        }
        return new OptimizerState(name, stepCount, entries);
    }

    /**
     * Never allocates what the manifest merely claims: a configuration of far more weights than the
     * model file holds is refused before a model is built from it (a small difference is left to the
     * tensor-by-tensor checks, which name the tensor and both shapes).
     *
     * @throws FormatException       if {@code model.config} claims more than twice the file's weights
     * @throws IllegalArgumentException if the model type or its configuration is not one recur knows
     */
    static void requireHeldWeights(Manifest manifest, SafetensorsFile file) throws FormatException {
        long claimed = ModelCodecs.forType(manifest.modelType()).parameterCount(manifest.modelConfig());
        long held = 0;
        for (TensorEntry t : file.entries()) {
            held += t.elementCount();
        }
        if (claimed > 2 * held + MODEL_SLACK) {
            throw new FormatException(manifest.file(), "a model.config whose model has the " + held
                    + " weights of " + file.path().getFileName(), "one of " + claimed + " weights",
                    "model.config or the file was edited");
        }
    }

    /**
     * Reads a tensor file after checking its SHA-256 and size against the manifest (the digest
     * read in blocks, so a file replaced by a much larger one is never held whole for it).
     */
    private static SafetensorsFile verified(Manifest manifest, String role, Manifest.FileRef ref) throws IOException {
        Path file = manifest.directory().resolve(ref.name());
        long size = RegularFiles.require(file, "the " + role + " file of a checkpoint, a regular file").size();
        String sha = Sha256.hex(file);
        if (!sha.equals(ref.sha256())) {
            throw new FormatException(file, "SHA-256 " + ref.sha256() + " (" + ref.bytes() + " bytes, as recorded in "
                    + Manifest.FILE + ")", "SHA-256 " + sha + " (" + size + " bytes)",
                    size < ref.bytes() ? "the file is truncated (an interrupted copy?)"
                            : "the file was modified or replaced after the checkpoint was written");
        }
        if (size != ref.bytes()) {
            throw new FormatException(manifest.file(), "files." + role + ".bytes = the size of " + ref.name() + " ("
                    + size + ")", Long.toString(ref.bytes()), "the file was edited by hand");
        }
        return SafetensorsFile.read(file);
    }

    /**
     * Finds the latest run under a folder of runs: among its sub-folders that hold a
     * {@code checkpoint.json}, the one whose run started last (ties: the last name). A sub-folder
     * without one (a run killed before its first checkpoint) is skipped, and so is a quantized copy
     * ({@code recur quantize}: it keeps the start of the run it was made from); one whose manifest cannot
     * be read is an error, since the latest run cannot be told without it (and silently taking an
     * older run would sample from, or resume and overwrite, the wrong one).
     *
     * @param runsDirectory the folder of runs, e.g. {@code runs}
     * @return the run folder, or empty if there is none with a checkpoint
     * @throws FormatException if a sub-folder's {@code checkpoint.json} is not a valid manifest; its
     *                         {@link FormatException#file() file} is that manifest
     * @throws IOException     if the folder cannot be listed or a manifest cannot be read
     */
    public static Optional<Path> latestRun(Path runsDirectory) throws IOException {
        if (!Files.isDirectory(runsDirectory)) {
            return Optional.empty();
        }
        Path best = null;
        Instant bestStart = null;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(runsDirectory)) {
            for (Path p : ds) {
                if (!Files.isRegularFile(p.resolve(Manifest.FILE))) {
                    continue;
                }
                Manifest manifest;
                try {
                    manifest = ManifestFormat.read(p);
                } catch (NoSuchFileException e) {
                    continue;   // removed since it was listed
                }
                if (QuantizedRuns.isQuantized(manifest.dtype())) {
                    continue;   // a copy of a run, with the run's start: never taken for the run itself
                }
                // the reader has checked that it is a time
                Instant started = Instant.parse(manifest.provenance().runStarted());
                int c = bestStart == null ? 1 : started.compareTo(bestStart);
                if (c > 0 || (c == 0 && p.getFileName().toString().compareTo(best.getFileName().toString()) > 0)) {
                    best = p;
                    bestStart = started;
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * The SHA-256 of bytes.
     *
     * @param bytes the bytes
     * @return 64 lower-case hex digits
     */
    public static String sha256(byte[] bytes) {
        return dev.recur.io.Sha256.hex(bytes);
    }
}
