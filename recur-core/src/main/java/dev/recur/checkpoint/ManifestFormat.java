package dev.recur.checkpoint;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.recur.data.Normalization;
import dev.recur.data.StreamBatcher;
import dev.recur.data.Vocabulary;
import dev.recur.io.FormatException;
import dev.recur.io.RegularFiles;
import dev.recur.model.CharLanguageModel;
import dev.recur.model.ModelCodec;
import dev.recur.model.ModelCodecs;
import dev.recur.model.Preprocessing;
import dev.recur.model.SequenceModelConfig;
import dev.recur.nn.recurrent.CellKind;
import java.io.CharConversionException;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * The JSON form of a {@link Manifest}: reading (format versions 1 and 2, every field checked) and
 * writing (version 2). The layout is described in {@code docs/checkpoint-format.md}.
 *
 * <p>Stateless and thread-safe (its JSON mapper is configured once and shared).
 */
public final class ManifestFormat {

    /** The value of the manifest's {@code format} field. */
    public static final String FORMAT = "recur-checkpoint";
    /** The manifest format version written (and the highest read). */
    public static final int VERSION = 2;
    /** The model type of a version-1 manifest: the character language model. */
    static final String V1_MODEL_TYPE = "char_language_model";

    /** The roles of the tensor files, in the order they are written. */
    static final List<String> ROLES = List.of("model", "optimizer", "trainer", "best");
    /** A tensor file of some checkpoint (current or stale). */
    static final Pattern TENSOR_FILE = Pattern.compile("(model|optimizer|trainer|best)-\\d{8,}\\.safetensors");
    /** A SHA-256 as the manifest writes it. */
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private static final String EDITED = "the file was edited by hand";
    private static final String OTHER = "the file was edited by hand or written by another program";

    private ManifestFormat() {
    }

    /**
     * The run folder a path designates: the path itself if it is a directory, else its parent if it
     * names a {@code checkpoint.json}.
     *
     * @param path a run folder or its {@code checkpoint.json}
     * @return the run folder
     */
    public static Path runDirectory(Path path) {
        if (!Files.isDirectory(path) && path.getFileName() != null
                && path.getFileName().toString().equals(Manifest.FILE)) {
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
     *                             {@link FileSystemException} whose reason says so)
     */
    public static Manifest read(Path path) throws IOException {
        Path dir = runDirectory(path);
        Path file = dir.resolve(Manifest.FILE);
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new FileSystemException(dir.toString(), null, "expected a run folder (or its " + Manifest.FILE
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
        RegularFiles.require(file, "the checkpoint manifest, a regular file");
        byte[] bytes = Files.readAllBytes(file);
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new FormatException(file, "a recur checkpoint manifest (JSON)",
                    bytes.length == 0 ? "an empty file" : "invalid JSON (" + JsonFields.oneLine(e.getOriginalMessage())
                            + ")", "the file is truncated or was edited by hand", e);
        } catch (CharConversionException e) {
            // the parser took the leading bytes for UTF-16 or UTF-32 and found no character there
            throw new FormatException(file, "a recur checkpoint manifest (UTF-8 JSON)", "bytes that are not text ("
                    + JsonFields.oneLine(e.getMessage()) + ")", "the file is corrupted or was edited by hand", e);
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
        JsonFields f = new JsonFields(file);
        String format = f.text(root, "format");
        if (!FORMAT.equals(format)) {
            throw new FormatException(file, "format \"" + FORMAT + "\"", "\"" + format + "\"",
                    "the file is not a recur checkpoint manifest");
        }
        int version = f.integer(root, "format_version", 1, Integer.MAX_VALUE);
        if (version > VERSION) {
            throw new FormatException(file, "format_version <= " + VERSION, Integer.toString(version),
                    "the checkpoint was written by a newer recur; upgrade recur");
        }
        long step = f.longValue(root, "step", 0, Long.MAX_VALUE);
        String saved = f.text(root, "saved");
        JsonNode m = f.object(root, "model");
        String type = f.text(m, "model.type");
        String dtype = f.text(m, "model.dtype");
        if (!dtype.equals("float32") && !dtype.equals("float64") && !QuantizedRuns.isQuantized(dtype)) {
            throw new FormatException(file, "model.dtype \"float32\", \"float64\", \"bf16\" or \"int8\"", "\"" + dtype
                    + "\"", OTHER);
        }
        Map<String, Object> config;
        Preprocessing preprocessing;
        if (version == 1) {
            if (!V1_MODEL_TYPE.equals(type)) {
                throw new FormatException(file, "model.type \"" + V1_MODEL_TYPE + "\"", "\"" + type + "\"", OTHER);
            }
            SequenceModelConfig c = v1Model(f, m);
            Vocabulary vocabulary = vocabulary(f, f.object(root, "vocabulary"), "vocabulary");
            if (vocabulary.size() != c.vocabSize()) {
                throw new FormatException(file, "model.vocab_size = the number of vocabulary code points ("
                        + vocabulary.size() + ")", Integer.toString(c.vocabSize()), EDITED);
            }
            type = ModelCodecs.SEQUENCE_MODEL;
            config = c.toMap();
            preprocessing = Preprocessing.of(vocabulary);
        } else {
            config = map(f.object(m, "model.config"));
            preprocessing = preprocessing(f, f.object(root, "preprocessing"));
            if (type.equals(ModelCodecs.SEQUENCE_MODEL)) {
                SequenceModelConfig c;
                try {
                    c = SequenceModelConfig.fromMap(config);
                } catch (IllegalArgumentException e) {
                    throw FormatException.refused(file, "a valid model configuration", e, OTHER);
                }
                if (preprocessing.vocabulary() != null && preprocessing.vocabulary().size() != c.vocabSize()) {
                    throw new FormatException(file, "model.config.vocab_size = the number of vocabulary code points ("
                            + preprocessing.vocabulary().size() + ")", Integer.toString(c.vocabSize()), EDITED);
                }
            }
            Optional<ModelCodec> codec = ModelCodecs.find(type);
            if (codec.isPresent()) {
                try {
                    codec.get().checkPreprocessing(config, preprocessing);
                } catch (IllegalArgumentException e) {
                    throw FormatException.refused(file, "preprocessing that fits the model", e, EDITED);
                }
            }
        }
        String optimizer = null;
        if (root.has("optimizer")) {
            optimizer = f.text(f.object(root, "optimizer"), "optimizer.name");
        }
        JsonNode pn = f.object(root, "provenance");
        String runStarted = f.text(pn, "provenance.run_started");
        try {
            Instant.parse(runStarted);
        } catch (DateTimeParseException e) {
            throw new FormatException(file, "provenance.run_started to be an ISO-8601 UTC time", "\"" + runStarted
                    + "\"", EDITED, e);
        }
        String data = version == 1 ? "corpus" : "data";
        JsonNode dn = f.object(pn, "provenance." + data);
        Provenance provenance = new Provenance(f.text(pn, "provenance.recur_version"),
                f.longValue(pn, "provenance.seed", Long.MIN_VALUE, Long.MAX_VALUE),
                f.text(dn, "provenance." + data + ".source"), f.text(dn, "provenance." + data + ".sha256"),
                f.longValue(dn, "provenance." + data + (version == 1 ? ".characters" : ".size"), 0, Long.MAX_VALUE),
                runStarted, f.text(pn, "provenance.java_version"));
        Map<String, Object> training = Map.of();
        if (root.has("training")) {
            training = map(f.object(root, "training"));
            if (version == 1) {
                training = v1Training(training, config);
            }
        }
        JsonNode fn = f.object(root, "files");
        Map<String, Manifest.FileRef> files = new LinkedHashMap<>();
        for (String role : ROLES) {
            if (!fn.has(role)) {
                // a quantized copy (recur quantize) holds its model file alone
                if (role.equals("optimizer") || role.equals("best")
                        || (role.equals("trainer") && QuantizedRuns.isQuantized(dtype))) {
                    continue;
                }
                throw new FormatException(file, "files." + role, "no such entry",
                        "the file is truncated or was edited by hand");
            }
            JsonNode r = f.object(fn, "files." + role);
            String name = f.text(r, "files." + role + ".name");
            if (!TENSOR_FILE.matcher(name).matches() || !name.startsWith(role + "-")) {
                throw new FormatException(file, "files." + role + ".name of the form " + role
                        + "-<step>.safetensors", "\"" + name + "\"", EDITED);
            }
            String sha = f.text(r, "files." + role + ".sha256");
            files.put(role, new Manifest.FileRef(name, sha, f.longValue(r, "files." + role + ".bytes", 0,
                    Long.MAX_VALUE)));
        }
        Manifest.Source quantizedFrom = null;
        if (root.has("quantized_from")) {
            if (!QuantizedRuns.isQuantized(dtype)) {
                throw new FormatException(file, "quantized_from only in a quantized copy (model.dtype bf16 or int8)",
                        "quantized_from with model.dtype \"" + dtype + "\"", EDITED);
            }
            JsonNode q = f.object(root, "quantized_from");
            String run = f.text(q, "quantized_from.run");
            // a path for messages: one line (no control characters), absolute
            if (run.chars().anyMatch(Character::isISOControl) || !Path.of(run).isAbsolute()) {
                throw new FormatException(file, "quantized_from.run: an absolute path",
                        "\"" + FormatException.quote(run) + "\"", EDITED);
            }
            String sha = f.text(q, "quantized_from.model_sha256");
            if (!SHA256.matcher(sha).matches()) {
                throw new FormatException(file, "quantized_from.model_sha256: 64 lower-case hex digits",
                        "\"" + FormatException.quote(sha) + "\"", EDITED);
            }
            quantizedFrom = new Manifest.Source(run, f.longValue(q, "quantized_from.step", 0, Long.MAX_VALUE), sha);
        }
        return new Manifest(dir, version, step, saved, type, config, dtype, preprocessing, optimizer, provenance,
                training, files, quantizedFrom);
    }

    /** The model section of a version-1 manifest, as the character model's configuration. */
    private static SequenceModelConfig v1Model(JsonFields f, JsonNode m) throws FormatException {
        CellKind cell;
        String cellId = f.text(m, "model.cell");
        try {
            cell = CellKind.fromId(cellId);
        } catch (IllegalArgumentException e) {
            throw new FormatException(f.file(), "model.cell one of lstm, gru, rnn_tanh, rnn_relu", "\"" + cellId + "\"",
                    OTHER);
        }
        try {
            return SequenceModelConfig.charLanguageModel(f.integer(m, "model.vocab_size", 1, Integer.MAX_VALUE),
                    f.integer(m, "model.embedding_dim", 1, Integer.MAX_VALUE), cell,
                    f.integer(m, "model.hidden_size", 1, Integer.MAX_VALUE),
                    f.integer(m, "model.num_layers", 1, Integer.MAX_VALUE), f.number(m, "model.dropout"));
        } catch (IllegalArgumentException e) {
            throw FormatException.refused(f.file(), "a valid model configuration", e, OTHER);
        }
    }

    /**
     * The training section of a version-1 manifest in the generic form: the character model's
     * configuration split into the trainer's ({@code config}), the data's ({@code data}) and the loss;
     * the chunk position as the batch index; the dropout position as each dropout module's.
     * Values are carried over as found: they are checked where they are used (on resume).
     */
    private static Map<String, Object> v1Training(Map<String, Object> v1, Map<String, Object> model) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<?, ?> c = v1.get("config") instanceof Map<?, ?> m ? m : Map.of();
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("optimizer", c.get("optimizer"));
        config.put("clip_norm", c.get("clip_norm"));
        config.put("schedule", c.get("schedule"));
        config.put("steps", c.get("steps"));
        config.put("epochs", 0L);
        config.put("time_budget_s", c.get("time_budget_s"));
        config.put("eval_every", c.get("eval_every"));
        config.put("checkpoint_every", c.get("checkpoint_every"));
        config.put("metrics", List.of());
        config.put("early_stopping", null);
        config.put("on_divergence", "stop");
        config.put("seed", c.get("seed"));
        config.put("threads", c.get("threads"));
        out.put("config", config);
        out.put("loss", CharLanguageModel.LOSS.toMap());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("kind", StreamBatcher.KIND);
        data.put("batch", c.get("batch"));
        data.put("seq", c.get("seq"));
        data.put("train_fraction", c.get("train_fraction"));
        if (v1.get("data") instanceof Map<?, ?> d) {
            data.put("train_characters", d.get("train_characters"));
            data.put("validation_characters", d.get("validation_characters"));
        }
        out.put("data", data);
        if (v1.get("position") instanceof Map<?, ?> p) {
            Map<String, Object> position = new LinkedHashMap<>();
            position.put("step", p.get("step"));
            position.put("epoch", p.get("epoch"));
            position.put("index", p.get("chunk"));
            position.put("tokens", p.get("tokens"));
            out.put("position", position);
        }
        if (v1.get("rng") instanceof Map<?, ?> r) {
            Map<String, Object> rng = new LinkedHashMap<>();
            rng.put("seed", r.get("seed"));
            Object passes = r.get("dropout_passes");
            Map<String, Object> state = new LinkedHashMap<>();
            state.put("rnn", passes);
            if (model.get("input_dropout") instanceof Number p && p.doubleValue() > 0) {
                state.put("input_dropout", passes);
            }
            if (model.get("output_dropout") instanceof Number p && p.doubleValue() > 0) {
                state.put("output_dropout", passes);
            }
            rng.put("random_state", state);
            out.put("rng", rng);
        }
        out.put("train_seconds", v1.get("train_seconds"));
        out.put("skipped", 0L);
        if (v1.get("last_validation") instanceof Map<?, ?> lv) {
            Map<String, Object> last = new LinkedHashMap<>();
            last.put("step", lv.get("step"));
            last.put("loss", lv.get("loss"));
            last.put("metrics", Map.of());
            out.put("last_validation", last);
        }
        return out;
    }

    private static Preprocessing preprocessing(JsonFields f, JsonNode p) throws FormatException {
        Vocabulary vocabulary = p.has("vocabulary") && !p.get("vocabulary").isNull()
                ? vocabulary(f, f.object(p, "preprocessing.vocabulary"), "preprocessing.vocabulary") : null;
        Normalization normalization = null;
        if (p.has("normalization") && !p.get("normalization").isNull()) {
            JsonNode n = f.object(p, "preprocessing.normalization");
            try {
                normalization = new Normalization(doubles(f, n, "preprocessing.normalization.mean"),
                        doubles(f, n, "preprocessing.normalization.std"));
            } catch (IllegalArgumentException e) {
                throw FormatException.wrapping(f.file(), "a valid normalization", e);
            }
        }
        List<String> labels = null;
        if (p.has("labels") && !p.get("labels").isNull()) {
            JsonNode l = f.node(p, "preprocessing.labels");
            if (!l.isArray()) {
                throw new FormatException(f.file(), "preprocessing.labels to be an array of strings",
                        l.getNodeType().toString(), EDITED);
            }
            labels = new ArrayList<>();
            for (JsonNode x : l) {
                if (!x.isTextual()) {
                    throw new FormatException(f.file(), "preprocessing.labels to be an array of strings", x.toString(),
                            EDITED);
                }
                labels.add(x.textValue());
            }
        }
        Map<String, Object> task = null;
        if (p.has("task") && !p.get("task").isNull()) {
            task = JSON.convertValue(f.object(p, "preprocessing.task"), new TypeReference<Map<String, Object>>() { });
        }
        return new Preprocessing(vocabulary, normalization, labels, task);
    }

    private static double[] doubles(JsonFields f, JsonNode parent, String path) throws FormatException {
        JsonNode a = f.node(parent, path);
        if (!a.isArray()) {
            throw new FormatException(f.file(), path + " to be an array of numbers", a.getNodeType().toString(), EDITED);
        }
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            if (!a.get(i).isNumber()) {
                throw new FormatException(f.file(), path + " to be an array of numbers", a.get(i) + " at index " + i,
                        EDITED);
            }
            out[i] = a.get(i).doubleValue();
        }
        return out;
    }

    private static Vocabulary vocabulary(JsonFields f, JsonNode v, String path) throws FormatException {
        JsonNode cpsNode = f.node(v, path + ".code_points");
        if (!cpsNode.isArray()) {
            throw new FormatException(f.file(), path + ".code_points to be an array of integers",
                    cpsNode.getNodeType().toString(), EDITED);
        }
        int[] cps = new int[cpsNode.size()];
        for (int i = 0; i < cps.length; i++) {
            JsonNode n = cpsNode.get(i);
            if (!n.canConvertToInt() || !n.isIntegralNumber()) {
                throw new FormatException(f.file(), "integer code points in " + path + ".code_points",
                        n.toString() + " at index " + i, EDITED);
            }
            cps[i] = n.intValue();
        }
        Vocabulary vocabulary;
        try {
            vocabulary = Vocabulary.of(cps);
        } catch (IllegalArgumentException e) {
            throw FormatException.wrapping(f.file(), "a valid vocabulary", e);
        }
        if (v.has("text")) {
            String text = f.text(v, path + ".text");
            String decoded = vocabulary.decode(IntStream.range(0, vocabulary.size()).toArray());
            if (!text.equals(decoded)) {
                throw new FormatException(f.file(), path + ".text to spell " + path + ".code_points ("
                        + vocabulary.size() + " characters)", "a text of " + text.codePointCount(0, text.length())
                        + " characters that differs", EDITED);
            }
        }
        return vocabulary;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(JsonNode node) {
        return JSON.convertValue(node, LinkedHashMap.class);
    }

    /**
     * A model's preprocessing as the JSON a manifest holds under {@code "preprocessing"}, e.g. to keep
     * it beside the model in another format (an ONNX file's metadata).
     *
     * @param preprocessing the preprocessing
     * @return compact JSON
     */
    public static String writePreprocessing(Preprocessing preprocessing) {
        return preprocessingNode(preprocessing).toString();
    }

    /**
     * Reads the JSON of {@link #writePreprocessing}, with the checks a manifest's gets.
     *
     * @param file the file it came from, for messages
     * @param json the JSON
     * @return the preprocessing
     * @throws FormatException naming the file and what is wrong
     */
    public static Preprocessing readPreprocessing(Path file, String json) throws FormatException {
        JsonFields f = new JsonFields(file);
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (IOException e) {
            throw new FormatException(file, "the preprocessing as JSON", "text that is not JSON", EDITED, e);
        }
        if (node == null || !node.isObject()) {
            throw new FormatException(file, "the preprocessing as a JSON object", String.valueOf(node), EDITED);
        }
        return preprocessing(f, node);
    }

    private static ObjectNode preprocessingNode(Preprocessing pre) {
        ObjectNode p = JSON.createObjectNode();
        if (pre.vocabulary() != null) {
            Vocabulary vocabulary = pre.vocabulary();
            ObjectNode v = p.putObject("vocabulary");
            ArrayNode cps = v.putArray("code_points");
            for (int cp : vocabulary.codePoints()) {
                cps.add(cp);
            }
            v.put("text", vocabulary.decode(IntStream.range(0, vocabulary.size()).toArray()));
        }
        if (pre.normalization() != null) {
            ObjectNode n = p.putObject("normalization");
            ArrayNode mean = n.putArray("mean");
            ArrayNode std = n.putArray("std");
            for (int i = 0; i < pre.normalization().width(); i++) {
                mean.add(pre.normalization().mean()[i]);
                std.add(pre.normalization().std()[i]);
            }
        }
        if (pre.labels() != null) {
            ArrayNode labels = p.putArray("labels");
            pre.labels().forEach(labels::add);
        }
        if (pre.task() != null) {
            p.set("task", JSON.valueToTree(pre.task()));
        }
        return p;
    }

    /**
     * The JSON of a manifest (version 2).
     *
     * @param m              the manifest
     * @param optimizerSteps the optimizer's own step count (its file's {@code steps}), recorded as
     *                       {@code optimizer.step_count} for a reader; not read back
     * @return the bytes to write
     * @throws IOException if it cannot be encoded
     */
    static byte[] write(Manifest m, long optimizerSteps) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("format_version", VERSION);
        root.put("step", m.step());
        root.put("saved", m.saved());
        ObjectNode model = root.putObject("model");
        model.put("type", m.modelType());
        model.put("dtype", m.dtype());
        model.set("config", JSON.valueToTree(m.modelConfig()));
        root.set("preprocessing", preprocessingNode(m.preprocessing()));
        if (m.optimizer() != null) {
            ObjectNode o = root.putObject("optimizer");
            o.put("name", m.optimizer());
            o.put("step_count", optimizerSteps);
        }
        Provenance pv = m.provenance();
        ObjectNode pn = root.putObject("provenance");
        pn.put("recur_version", pv.recurVersion());
        pn.put("seed", pv.seed());
        ObjectNode data = pn.putObject("data");
        data.put("source", pv.dataSource());
        data.put("sha256", pv.dataSha256());
        data.put("size", pv.dataSize());
        pn.put("run_started", pv.runStarted());
        pn.put("java_version", pv.javaVersion());
        root.set("training", JSON.valueToTree(m.training()));
        if (m.quantizedFrom() != null) {
            ObjectNode q = root.putObject("quantized_from");
            q.put("run", m.quantizedFrom().run());
            q.put("step", m.quantizedFrom().step());
            q.put("model_sha256", m.quantizedFrom().modelSha256());
        }
        ObjectNode f = root.putObject("files");
        m.files().forEach((role, ref) -> {
            ObjectNode r = f.putObject(role);
            r.put("name", ref.name());
            r.put("sha256", ref.sha256());
            r.put("bytes", ref.bytes());
        });
        return JSON.writeValueAsBytes(root);
    }
}
