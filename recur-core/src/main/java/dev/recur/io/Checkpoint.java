package dev.recur.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.recur.model.CharLanguageModel;
import dev.recur.model.CharLanguageModelConfig;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.data.Vocabulary;
import dev.recur.optim.OptimizerState;
import dev.recur.tensor.Precision;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A checkpoint of a character language model and its training, saved in a run folder.
 *
 * <h2>Layout</h2>
 * A run folder holds one current checkpoint:
 * <ul>
 *   <li>{@code checkpoint.json}: the manifest (see below); it names the three tensor files of the
 *       checkpoint and their SHA-256;</li>
 *   <li>{@code model-<step>.safetensors}: the weights under PyTorch's {@code state_dict} names, in
 *       the model's precision ({@code F32} or {@code F64}), see {@link StateDicts}; it loads into the
 *       equivalent PyTorch module with {@code load_state_dict};</li>
 *   <li>{@code optimizer-<step>.safetensors}: the optimizer's state ({@link OptimizerState}: one
 *       tensor per array, named {@code <parameter>.<state key>}, e.g. {@code head.weight.exp_avg});
 *       its metadata holds the optimizer name and step count; absent for a model saved without an
 *       optimizer;</li>
 *   <li>{@code trainer-<step>.safetensors}: the trainer's own tensors (the recurrent state carried
 *       into the next chunk, the loss history), all {@code F64}.</li>
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
 * <h2>Manifest</h2>
 * {@code checkpoint.json} holds {@code format} ({@value #FORMAT}), {@code format_version}
 * ({@value #FORMAT_VERSION}), {@code step}, {@code saved} (UTC time), {@code model} (the
 * {@link CharLanguageModelConfig} and {@code dtype}), {@code vocabulary} (the code points, token id
 * = index, and the same characters as a string for reading), {@code optimizer} (name and step
 * count), {@code provenance} (recur version, seed, corpus source, SHA-256 and length, run start,
 * Java version), {@code training} (whatever the trainer needs to resume: configuration, position,
 * random state; opaque here) and {@code files} (name, SHA-256 and size of each tensor file).
 *
 * <h2>Loading</h2>
 * {@link #load} verifies every file's SHA-256 against the manifest before reading it, checks
 * every tensor's name and shape against the model configuration, and checks that every value of
 * every tensor is finite. Every problem is a {@link FormatException} (an {@link IOException}) with
 * a one-line message naming the file (and the tensor and element), what was expected and what was
 * found; a missing file is a {@link NoSuchFileException}.
 *
 * <h2>Finite values only</h2>
 * NaN and infinity are never saved: {@link #save} refuses contents holding one (a diverged run) with
 * an {@link IllegalArgumentException} before writing anything, so the previous checkpoint stays
 * current; and {@link #load} refuses a file holding one.
 */
public final class Checkpoint {

    /** The name of the manifest in a run folder. */
    public static final String MANIFEST = "checkpoint.json";
    /** The value of the manifest's {@code format} field. */
    public static final String FORMAT = "recur-checkpoint";
    /** The manifest format version written (and the highest read). */
    public static final int FORMAT_VERSION = 1;
    /** The value of the manifest's {@code model.type} field: the one kind of model a checkpoint holds. */
    private static final String MODEL_TYPE = "char_language_model";

    /** The roles of the tensor files, in the order they are written. */
    private static final List<String> ROLES = List.of("model", "optimizer", "trainer");
    /** A tensor file of some checkpoint (current or stale). */
    private static final Pattern TENSOR_FILE = Pattern.compile("(model|optimizer|trainer)-\\d{8,}\\.safetensors");
    /** A temporary file left by an interrupted atomic write of one of ours. */
    private static final Pattern TEMP_FILE =
            Pattern.compile("\\.((model|optimizer|trainer)-\\d{8,}\\.safetensors|checkpoint\\.json)\\.[0-9a-z]+\\.tmp");

    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private Checkpoint() {
    }

    /**
     * Where the data of a run came from and what made it.
     *
     * @param recurVersion     the recur version that trained the model
     * @param seed             the training seed
     * @param corpusSource     the corpus file path (as given) or {@code classpath:NAME}
     * @param corpusSha256     the SHA-256 of the corpus bytes, 64 lower-case hex digits
     * @param corpusCharacters the corpus length in characters (code points)
     * @param runStarted       when the run started, ISO-8601 UTC
     * @param javaVersion      the Java version that trained the model
     */
    public record Provenance(String recurVersion, long seed, String corpusSource, String corpusSha256,
                             long corpusCharacters, String runStarted, String javaVersion) {
        /**
         * Checks that the strings are given.
         *
         * @param recurVersion the recur version that trained the model
         * @param seed the training seed
         * @param corpusSource the corpus file path (as given) or {@code classpath:NAME}
         * @param corpusSha256 the SHA-256 of the corpus bytes, 64 lower-case hex digits
         * @param corpusCharacters the corpus length in characters (code points)
         * @param runStarted when the run started, ISO-8601 UTC
         * @param javaVersion the Java version that trained the model
         */
        public Provenance {
            Objects.requireNonNull(recurVersion, "recurVersion");
            Objects.requireNonNull(corpusSource, "corpusSource");
            Objects.requireNonNull(corpusSha256, "corpusSha256");
            Objects.requireNonNull(runStarted, "runStarted");
            Objects.requireNonNull(javaVersion, "javaVersion");
        }
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
         * @param name the tensor name
         * @param shape the shape
         * @param values the elements, row-major (float32 values are held exactly)
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

        /**
         * The shape.
         *
         * @return a copy
         */
        @Override
        public int[] shape() {
            return shape.clone();
        }

        /**
         * The values.
         *
         * @return a copy
         */
        @Override
        public double[] values() {
            return values.clone();
        }
    }

    /**
     * One tensor file named by the manifest.
     *
     * @param name   the file name, relative to the run folder
     * @param sha256 its SHA-256, 64 lower-case hex digits
     * @param bytes  its size
     */
    public record FileRef(String name, String sha256, long bytes) {
    }

    /**
     * The parsed and validated {@code checkpoint.json}.
     *
     * @param directory     the run folder
     * @param formatVersion the format version
     * @param step          the training step count
     * @param saved         when the checkpoint was written, ISO-8601 UTC
     * @param model         the model configuration
     * @param dtype         {@code float32} or {@code float64}: the precision of the weights
     * @param vocabulary    the vocabulary
     * @param optimizer     the optimizer's name, or null when saved without one
     * @param provenance    the provenance
     * @param training      the trainer's section, JSON values as plain Java objects (maps, lists,
     *                      strings, numbers, booleans); unmodifiable
     * @param files         the tensor files by role ({@code model}, {@code optimizer}, {@code trainer})
     */
    public record Manifest(Path directory, int formatVersion, long step, String saved, CharLanguageModelConfig model,
                           String dtype, Vocabulary vocabulary, String optimizer, Provenance provenance,
                           Map<String, Object> training, Map<String, FileRef> files) {
    }

    /**
     * Everything a checkpoint holds, in memory.
     *
     * @param model      the model (its configuration and weights)
     * @param vocabulary the vocabulary (its size is the model's {@code V})
     * @param step       the training step count
     * @param optimizer  the optimizer state, or null to save the model without one
     * @param state      the trainer's own tensors (possibly empty)
     * @param provenance the provenance
     * @param training   the trainer's section of the manifest: JSON-compatible plain Java values
     * @param <A>        the array type
     */
    public record Contents<A>(CharLanguageModel<A> model, Vocabulary vocabulary, long step, OptimizerState optimizer,
                              List<Tensor> state, Provenance provenance, Map<String, Object> training) {
        /**
         * Checks the fields.
         *
         * @param model the model (its configuration and weights)
         * @param vocabulary the vocabulary (its size is the model's {@code V})
         * @param step the training step count
         * @param optimizer the optimizer state, or null to save the model without one
         * @param state the trainer's own tensors (possibly empty)
         * @param provenance the provenance
         * @param training the trainer's section of the manifest: JSON-compatible plain Java values
         */
        public Contents {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(vocabulary, "vocabulary");
            Objects.requireNonNull(provenance, "provenance");
            if (vocabulary.size() != model.config().vocabSize()) {
                throw new IllegalArgumentException("checkpoint: the vocabulary has " + vocabulary.size()
                        + " characters, the model V = " + model.config().vocabSize());
            }
            if (step < 0) {
                throw new IllegalArgumentException("checkpoint: step must be >= 0, found " + step);
            }
            state = state == null ? List.of() : List.copyOf(state);
            training = training == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(training));
        }

        /**
         * The trainer tensor of the given name.
         *
         * @param name the name
         * @return the tensor, or empty
         */
        public Optional<Tensor> stateTensor(String name) {
            return state.stream().filter(t -> t.name().equals(name)).findFirst();
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
     * Saves a checkpoint into a run folder (see the class description); the previous checkpoint of
     * the folder, if any, is replaced.
     *
     * @param directory the run folder; created if missing
     * @param contents  what to save
     * @param <A>       the array type
     * @return the manifest written
     * @throws IOException              if writing fails (the previous checkpoint then stays current)
     * @throws IllegalArgumentException if a value is NaN or infinite; nothing is written then
     */
    public static <A> Manifest save(Path directory, Contents<A> contents) throws IOException {
        return save(directory, contents, WriteHook.NONE);
    }

    /**
     * Saves a checkpoint, calling {@code hook} just before the commit; see {@link #save(Path, Contents)}.
     *
     * @param directory the run folder; created if missing
     * @param contents  what to save
     * @param hook      called between writing the tensor files and committing the manifest
     * @param <A>       the array type
     * @return the manifest written
     * @throws IOException              if writing fails or the hook throws (the previous checkpoint
     *                                  stays current)
     * @throws IllegalArgumentException if a weight, an optimizer array or a trainer tensor holds NaN
     *                                  or infinity (a diverged run); nothing is written then
     */
    public static <A> Manifest save(Path directory, Contents<A> contents, WriteHook hook) throws IOException {
        Objects.requireNonNull(contents, "contents");
        Objects.requireNonNull(hook, "hook");
        CharLanguageModel<A> model = contents.model();
        Precision<A> precision = model.precision();
        requireFinite(directory, contents);
        Files.createDirectories(directory);
        String stamp = String.format(Locale.ROOT, "%08d", contents.step());

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
        for (Tensor t : contents.state()) {
            tw.put(t.name(), t.values(), t.shape());
        }
        writers.put("trainer", tw);

        Map<String, FileRef> files = new LinkedHashMap<>();
        for (Map.Entry<String, SafetensorsWriter> e : writers.entrySet()) {
            String name = e.getKey() + "-" + stamp + ".safetensors";
            byte[] bytes = e.getValue().toBytes();
            AtomicFiles.writeBytes(directory.resolve(name), bytes);
            files.put(e.getKey(), new FileRef(name, sha256(bytes), bytes.length));
        }
        hook.beforeCommit(directory, contents.step());

        String saved = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString();
        ObjectNode root = manifestJson(contents, saved, files);
        byte[] json = JSON.writeValueAsBytes(root);
        AtomicFiles.writeBytes(directory.resolve(MANIFEST), json);
        removeStale(directory, files);
        return new Manifest(directory, FORMAT_VERSION, contents.step(), saved, model.config(), precision.name(),
                contents.vocabulary(), contents.optimizer() == null ? null : contents.optimizer().optimizer(),
                contents.provenance(), contents.training(), Collections.unmodifiableMap(files));
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
        for (Tensor t : contents.state()) {
            Finiteness.requireFiniteToWrite(directory, "trainer tensor '" + t.name() + "'", t.shape(), Precision.F64,
                    t.values, t.values.length);
        }
    }

    private static <A> ObjectNode manifestJson(Contents<A> c, String saved, Map<String, FileRef> files) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("format_version", FORMAT_VERSION);
        root.put("step", c.step());
        root.put("saved", saved);
        CharLanguageModelConfig mc = c.model().config();
        ObjectNode m = root.putObject("model");
        m.put("type", MODEL_TYPE);
        m.put("cell", mc.cell().id());
        m.put("vocab_size", mc.vocabSize());
        m.put("embedding_dim", mc.embeddingDim());
        m.put("hidden_size", mc.hiddenSize());
        m.put("num_layers", mc.numLayers());
        m.put("dropout", mc.dropout());
        m.put("dtype", c.model().precision().name());
        ObjectNode v = root.putObject("vocabulary");
        ArrayNode cps = v.putArray("code_points");
        for (int cp : c.vocabulary().codePoints()) {
            cps.add(cp);
        }
        v.put("text", c.vocabulary().decode(java.util.stream.IntStream.range(0, c.vocabulary().size()).toArray()));
        if (c.optimizer() != null) {
            ObjectNode o = root.putObject("optimizer");
            o.put("name", c.optimizer().optimizer());
            o.put("step_count", c.optimizer().steps());
        }
        Provenance p = c.provenance();
        ObjectNode pn = root.putObject("provenance");
        pn.put("recur_version", p.recurVersion());
        pn.put("seed", p.seed());
        ObjectNode corpus = pn.putObject("corpus");
        corpus.put("source", p.corpusSource());
        corpus.put("sha256", p.corpusSha256());
        corpus.put("characters", p.corpusCharacters());
        pn.put("run_started", p.runStarted());
        pn.put("java_version", p.javaVersion());
        root.set("training", JSON.valueToTree(c.training()));
        ObjectNode f = root.putObject("files");
        files.forEach((role, ref) -> {
            ObjectNode r = f.putObject(role);
            r.put("name", ref.name());
            r.put("sha256", ref.sha256());
            r.put("bytes", ref.bytes());
        });
        return root;
    }

    /** Deletes tensor files not named by the new manifest, and temporary files of interrupted saves. */
    private static void removeStale(Path directory, Map<String, FileRef> current) {
        Set<String> keep = new java.util.HashSet<>();
        current.values().forEach(r -> keep.add(r.name()));
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(directory)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if ((TENSOR_FILE.matcher(n).matches() && !keep.contains(n)) || TEMP_FILE.matcher(n).matches()) {
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
     * The run folder a path designates: the path itself if it is a directory, else its parent if it
     * names a {@code checkpoint.json}.
     *
     * @param path a run folder or its {@code checkpoint.json}
     * @return the run folder
     */
    public static Path runDirectory(Path path) {
        Objects.requireNonNull(path, "path");
        if (!Files.isDirectory(path) && path.getFileName() != null
                && path.getFileName().toString().equals(MANIFEST)) {
            Path parent = path.toAbsolutePath().getParent();
            return path.getParent() == null ? parent : path.getParent();
        }
        return path;
    }

    /**
     * Reads and validates the manifest of a run folder, without reading the tensor files.
     *
     * @param path a run folder or its {@code checkpoint.json}
     * @return the manifest
     * @throws NoSuchFileException if there is no {@code checkpoint.json}
     * @throws FormatException     if it is not a valid recur checkpoint manifest
     * @throws IOException         if it cannot be read, or {@code path} is a file other than the
     *                             manifest, or the manifest is a directory (a
     *                             {@link java.nio.file.FileSystemException} whose reason says so)
     */
    public static Manifest readManifest(Path path) throws IOException {
        Path dir = runDirectory(path);
        Path file = dir.resolve(MANIFEST);
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new FileSystemException(dir.toString(), null, "expected a run folder (or its " + MANIFEST
                    + "), found a file; likely cause: a file of the run was given instead of its folder");
        }
        if (Files.isDirectory(file)) {
            throw new FileSystemException(file.toString(), null, "expected the checkpoint manifest, a file, found a "
                    + "directory; likely cause: the folder was not written by recur");
        }
        if (Files.isDirectory(dir) && !Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null,
                    "no checkpoint in this folder (a run killed before its first checkpoint, or not a run folder)");
        }
        byte[] bytes = Files.readAllBytes(file);
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new FormatException(file, "a recur checkpoint manifest (JSON)",
                    bytes.length == 0 ? "an empty file" : "invalid JSON (" + oneLine(e.getOriginalMessage()) + ")",
                    "the file is truncated or was edited by hand", e);
        }
        if (root == null || root.isMissingNode()) {
            throw new FormatException(file, "a recur checkpoint manifest (JSON)",
                    bytes.length == 0 ? "an empty file" : "only white space",
                    "the file is truncated or was edited by hand");
        }
        if (!root.isObject()) {
            throw new FormatException(file, "a JSON object", root.getNodeType().toString().toLowerCase(Locale.ROOT),
                    "the file is not a recur checkpoint manifest");
        }
        Fields f = new Fields(file);
        String format = f.text(root, "format");
        if (!FORMAT.equals(format)) {
            throw new FormatException(file, "format \"" + FORMAT + "\"", "\"" + format + "\"",
                    "the file is not a recur checkpoint manifest");
        }
        int version = f.integer(root, "format_version", 1, Integer.MAX_VALUE);
        if (version > FORMAT_VERSION) {
            throw new FormatException(file, "format_version <= " + FORMAT_VERSION, Integer.toString(version),
                    "the checkpoint was written by a newer recur; upgrade recur");
        }
        long step = f.longValue(root, "step", 0, Long.MAX_VALUE);
        String saved = f.text(root, "saved");
        JsonNode m = f.object(root, "model");
        String type = f.text(m, "model.type");
        if (!MODEL_TYPE.equals(type)) {
            throw new FormatException(file, "model.type \"" + MODEL_TYPE + "\"", "\"" + type + "\"",
                    "the file was edited by hand or written by another program");
        }
        CellKind cell;
        String cellId = f.text(m, "model.cell");
        try {
            cell = CellKind.fromId(cellId);
        } catch (IllegalArgumentException e) {
            throw new FormatException(file, "model.cell one of lstm, gru, rnn_tanh, rnn_relu", "\"" + cellId + "\"",
                    "the file was edited by hand or written by another program");
        }
        CharLanguageModelConfig config;
        try {
            config = new CharLanguageModelConfig(f.integer(m, "model.vocab_size", 1, Integer.MAX_VALUE),
                    f.integer(m, "model.embedding_dim", 1, Integer.MAX_VALUE), cell,
                    f.integer(m, "model.hidden_size", 1, Integer.MAX_VALUE),
                    f.integer(m, "model.num_layers", 1, Integer.MAX_VALUE), f.number(m, "model.dropout"));
        } catch (IllegalArgumentException e) {
            throw new FormatException(file, "a valid model configuration", oneLine(e.getMessage()),
                    "the file was edited by hand or written by another program", e);
        }
        String dtype = f.text(m, "model.dtype");
        if (!dtype.equals("float32") && !dtype.equals("float64")) {
            throw new FormatException(file, "model.dtype \"float32\" or \"float64\"", "\"" + dtype + "\"",
                    "the file was edited by hand or written by another program");
        }
        JsonNode v = f.object(root, "vocabulary");
        JsonNode cpsNode = f.node(v, "vocabulary.code_points");
        if (!cpsNode.isArray()) {
            throw new FormatException(file, "vocabulary.code_points to be an array of integers",
                    cpsNode.getNodeType().toString(), "the file was edited by hand");
        }
        int[] cps = new int[cpsNode.size()];
        for (int i = 0; i < cps.length; i++) {
            JsonNode n = cpsNode.get(i);
            if (!n.canConvertToInt() || !n.isIntegralNumber()) {
                throw new FormatException(file, "integer code points in vocabulary.code_points",
                        n.toString() + " at index " + i, "the file was edited by hand");
            }
            cps[i] = n.intValue();
        }
        Vocabulary vocabulary;
        try {
            vocabulary = Vocabulary.of(cps);
        } catch (IllegalArgumentException e) {
            throw FormatException.wrapping(file, "a valid vocabulary", e);
        }
        if (v.has("text")) {
            String text = f.text(v, "vocabulary.text");
            String decoded = vocabulary.decode(java.util.stream.IntStream.range(0, vocabulary.size()).toArray());
            if (!text.equals(decoded)) {
                throw new FormatException(file, "vocabulary.text to spell vocabulary.code_points (" + vocabulary.size()
                        + " characters)", "a text of " + text.codePointCount(0, text.length()) + " characters that"
                        + " differs", "the file was edited by hand");
            }
        }
        if (vocabulary.size() != config.vocabSize()) {
            throw new FormatException(file, "model.vocab_size = the number of vocabulary code points ("
                    + vocabulary.size() + ")", Integer.toString(config.vocabSize()), "the file was edited by hand");
        }
        String optimizer = null;
        if (root.has("optimizer")) {
            optimizer = f.text(f.object(root, "optimizer"), "optimizer.name");
        }
        JsonNode pn = f.object(root, "provenance");
        JsonNode corpus = f.object(pn, "provenance.corpus");
        String runStarted = f.text(pn, "provenance.run_started");
        try {
            Instant.parse(runStarted);
        } catch (DateTimeParseException e) {
            throw new FormatException(file, "provenance.run_started to be an ISO-8601 UTC time", "\"" + runStarted
                    + "\"", "the file was edited by hand", e);
        }
        Provenance provenance = new Provenance(f.text(pn, "provenance.recur_version"),
                f.longValue(pn, "provenance.seed", Long.MIN_VALUE, Long.MAX_VALUE),
                f.text(corpus, "provenance.corpus.source"), f.text(corpus, "provenance.corpus.sha256"),
                f.longValue(corpus, "provenance.corpus.characters", 0, Long.MAX_VALUE), runStarted,
                f.text(pn, "provenance.java_version"));
        Map<String, Object> training = Map.of();
        if (root.has("training")) {
            JsonNode t = f.object(root, "training");
            @SuppressWarnings("unchecked")
            Map<String, Object> map = JSON.convertValue(t, LinkedHashMap.class);
            training = Collections.unmodifiableMap(map);
        }
        JsonNode fn = f.object(root, "files");
        Map<String, FileRef> files = new LinkedHashMap<>();
        for (String role : ROLES) {
            if (!fn.has(role)) {
                if (role.equals("optimizer")) {
                    continue;
                }
                throw new FormatException(file, "files." + role, "no such entry",
                        "the file is truncated or was edited by hand");
            }
            JsonNode r = f.object(fn, "files." + role);
            String name = f.text(r, "files." + role + ".name");
            if (!TENSOR_FILE.matcher(name).matches() || !name.startsWith(role + "-")) {
                throw new FormatException(file, "files." + role + ".name of the form " + role
                        + "-<step>.safetensors", "\"" + name + "\"", "the file was edited by hand");
            }
            String sha = f.text(r, "files." + role + ".sha256");
            files.put(role, new FileRef(name, sha, f.longValue(r, "files." + role + ".bytes", 0, Long.MAX_VALUE)));
        }
        return new Manifest(dir, version, step, saved, config, dtype, vocabulary, optimizer, provenance, training,
                Collections.unmodifiableMap(files));
    }

    /**
     * Loads a checkpoint: verifies the checksums, builds the model in the given precision and loads
     * its weights, the optimizer state and the trainer tensors.
     *
     * @param path      a run folder or its {@code checkpoint.json}
     * @param precision the precision of the model to build (a float32 checkpoint widens exactly into
     *                  float64; a float64 one is rounded into float32)
     * @param <A>       the array type
     * @return the contents
     * @throws FormatException     if a file's checksum does not match, a file is malformed, a tensor
     *                             holds NaN or infinity, or the weights do not fit the configured
     *                             architecture
     * @throws NoSuchFileException if the manifest or a file it names is missing
     * @throws IOException         if reading fails
     */
    public static <A> Contents<A> load(Path path, Precision<A> precision) throws IOException {
        Objects.requireNonNull(precision, "precision");
        // A concurrent save may replace the manifest and delete the files it named between our
        // reading the manifest and the files: then read the new manifest and try again.
        for (int attempt = 1; ; attempt++) {
            Manifest manifest = readManifest(path);
            try {
                return load(manifest, precision);
            } catch (NoSuchFileException e) {
                if (attempt >= 3 || manifest.step() == readManifest(path).step()) {
                    Path missing = Path.of(e.getFile());
                    throw new FormatException(missing, "the file named by " + MANIFEST, "no such file",
                            "files of the run were deleted, or the folder was copied incompletely", e);
                }
            }
        }
    }

    private static <A> Contents<A> load(Manifest manifest, Precision<A> precision) throws IOException {
        Map<String, SafetensorsFile> files = new LinkedHashMap<>();
        for (Map.Entry<String, FileRef> e : manifest.files().entrySet()) {
            files.put(e.getKey(), verified(manifest, e.getKey(), e.getValue()));
        }
        DType saved = manifest.dtype().equals("float64") ? DType.F64 : DType.F32;
        for (TensorEntry t : files.get("model").entries()) {
            if (t.dtype() != saved) {
                throw new FormatException(files.get("model").path(), saved + " tensors (model.dtype \""
                        + manifest.dtype() + "\" in " + MANIFEST + ")", "tensor '" + t.name() + "' of dtype " + t.dtype(),
                        "the manifest or the file was edited by hand");
            }
        }
        CharLanguageModel<A> model = CharLanguageModel.create(manifest.model(), precision, manifest.provenance().seed());
        StateDicts.loadStateDict(model, files.get("model"));
        OptimizerState optimizer = null;
        SafetensorsFile of = files.get("optimizer");
        if (of != null) {
            String name = of.metadata().get("optimizer");
            String steps = of.metadata().get("steps");
            long stepCount;
            try {
                stepCount = Long.parseLong(steps == null ? "" : steps);
            } catch (NumberFormatException e) {
                throw new FormatException(of.path(), "metadata 'steps' holding the optimizer's step count",
                        steps == null ? "no such entry" : "\"" + steps + "\"", "the file was not written by recur");
            }
            if (name == null) {
                throw new FormatException(of.path(), "metadata 'optimizer' naming the optimizer", "no such entry",
                        "the file was not written by recur");
            }
            if (manifest.optimizer() != null && !manifest.optimizer().equals(name)) {
                throw new FormatException(of.path(), "metadata 'optimizer' \"" + manifest.optimizer() + "\", as "
                        + "optimizer.name in " + MANIFEST, "\"" + name + "\"", "the manifest or the file was edited by hand");
            }
            List<OptimizerState.Entry> entries = new ArrayList<>();
            for (TensorEntry t : of.entries()) {
                double[] values = of.doubles(t.name());
                Finiteness.requireFinite(of.path(), t.name(), t.shape(), values);
                entries.add(new OptimizerState.Entry(t.name(), t.shape(), values));
            }
            optimizer = new OptimizerState(name, stepCount, entries);
        }
        SafetensorsFile tf = files.get("trainer");
        List<Tensor> state = new ArrayList<>();
        for (TensorEntry t : tf.entries()) {
            if (!t.dtype().isFloatingPoint()) {
                throw new FormatException(tf.path(), "F64 tensors", "tensor '" + t.name() + "' of dtype " + t.dtype(),
                        "the file was not written by recur");
            }
            double[] values = tf.doubles(t.name());
            Finiteness.requireFinite(tf.path(), t.name(), t.shape(), values);
            state.add(new Tensor(t.name(), t.shape(), values));
        }
        return new Contents<>(model, manifest.vocabulary(), manifest.step(), optimizer, state, manifest.provenance(),
                manifest.training());
    }

    /** Reads a tensor file after checking its size and SHA-256 against the manifest. */
    private static SafetensorsFile verified(Manifest manifest, String role, FileRef ref) throws IOException {
        Path file = manifest.directory().resolve(ref.name());
        byte[] bytes = Files.readAllBytes(file);
        String sha = sha256(bytes);
        if (!sha.equals(ref.sha256())) {
            throw new FormatException(file, "SHA-256 " + ref.sha256() + " (" + ref.bytes() + " bytes, as recorded in "
                    + MANIFEST + ")", "SHA-256 " + sha + " (" + bytes.length + " bytes)",
                    bytes.length < ref.bytes() ? "the file is truncated (an interrupted copy?)"
                            : "the file was modified or replaced after the checkpoint was written");
        }
        if (bytes.length != ref.bytes()) {
            throw new FormatException(manifest.directory().resolve(MANIFEST), "files." + role + ".bytes = the size of "
                    + ref.name() + " (" + bytes.length + ")", Long.toString(ref.bytes()),
                    "the file was edited by hand");
        }
        return SafetensorsFile.read(file);
    }

    /**
     * Finds the latest run under a folder of runs: among its sub-folders that hold a
     * {@code checkpoint.json}, the one whose run started last (ties: the last name). A sub-folder
     * without one (a run killed before its first checkpoint) is skipped; one whose manifest cannot
     * be read is an error, since the latest run cannot be told without it (and silently taking an
     * older run would sample from, or resume and overwrite, the wrong one).
     *
     * @param runsDirectory the folder of runs, e.g. {@code runs}
     * @return the run folder, or empty if there is none with a checkpoint
     * @throws FormatException if a sub-folder's {@code checkpoint.json} is not a valid manifest; its
     *                         {@link FormatException#file() file} is that manifest (a caller may add
     *                         how to name the run to use instead, {@link FormatException#withRemedy})
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
                if (!Files.isRegularFile(p.resolve(MANIFEST))) {
                    continue;
                }
                Instant started;
                try {
                    // readManifest has checked that it is a time
                    started = Instant.parse(readManifest(p).provenance().runStarted());
                } catch (NoSuchFileException e) {
                    continue;   // removed since it was listed
                }
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
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this Java runtime", e);
        }
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    /** Typed access to manifest fields, with messages naming the field. */
    private record Fields(Path file) {
        JsonNode node(JsonNode parent, String path) throws FormatException {
            String key = path.substring(path.lastIndexOf('.') + 1);
            JsonNode n = parent.get(key);
            if (n == null || n.isNull()) {
                throw new FormatException(file, "the field " + path, "no such field",
                        "the file is truncated, was edited by hand, or is not a recur checkpoint manifest");
            }
            return n;
        }

        JsonNode object(JsonNode parent, String path) throws FormatException {
            JsonNode n = node(parent, path);
            if (!n.isObject()) {
                throw new FormatException(file, path + " to be a JSON object", n.getNodeType().toString(),
                        "the file was edited by hand");
            }
            return n;
        }

        String text(JsonNode parent, String path) throws FormatException {
            JsonNode n = node(parent, path);
            if (!n.isTextual()) {
                throw new FormatException(file, path + " to be a string", n.toString(), "the file was edited by hand");
            }
            return n.textValue();
        }

        long longValue(JsonNode parent, String path, long min, long max) throws FormatException {
            JsonNode n = node(parent, path);
            if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < min || n.longValue() > max) {
                throw new FormatException(file, path + " to be an integer in [" + min + ", " + max + "]", n.toString(),
                        "the file was edited by hand");
            }
            return n.longValue();
        }

        int integer(JsonNode parent, String path, int min, int max) throws FormatException {
            return (int) longValue(parent, path, min, max);
        }

        double number(JsonNode parent, String path) throws FormatException {
            JsonNode n = node(parent, path);
            if (!n.isNumber()) {
                throw new FormatException(file, path + " to be a number", n.toString(), "the file was edited by hand");
            }
            return n.doubleValue();
        }
    }
}
