package dev.recur.cli;

import dev.recur.Version;
import dev.recur.charlm.CharModelRun;
import dev.recur.charlm.CharModelSettings;
import dev.recur.checkpoint.Checkpoint;
import dev.recur.checkpoint.Manifest;
import dev.recur.checkpoint.ManifestFormat;
import dev.recur.checkpoint.Provenance;
import dev.recur.data.TextCorpus;
import dev.recur.io.FormatException;
import dev.recur.io.SafetensorsFile;
import dev.recur.io.Sha256;
import dev.recur.io.StateDicts;
import dev.recur.model.Preprocessing;
import dev.recur.model.SequenceModel;
import dev.recur.model.SequenceModelConfig;
import dev.recur.nn.Parameter;
import dev.recur.onnx.ImportedModel;
import dev.recur.onnx.OnnxImporter;
import dev.recur.tensor.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code recur import MODEL RUN}: a model made elsewhere as a recur run folder: an ONNX file
 * ({@code torch.onnx.export} of an embedding/recurrent/linear stack, or recur's own export) or a
 * PyTorch {@code state_dict} in safetensors with the model's configuration. The run then samples,
 * evaluates, exports and, given its corpus, trains further like any other.
 */
@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Make a run folder from a model trained elsewhere: an ONNX file (torch.onnx.export of "
                + "nn.Embedding/nn.LSTM/nn.GRU/nn.RNN/nn.Linear stacks, or a file recur exported) or a PyTorch "
                + "state_dict saved as safetensors (with --config). A character model given --corpus becomes a "
                + "run that 'recur train --resume' trains further."})
public final class ImportCommand extends RecurCommand {

    @Parameters(index = "0", paramLabel = "MODEL", description = "The .onnx or .safetensors file.")
    private Path modelFile;

    @Parameters(index = "1", paramLabel = "RUN", description = "The run folder to create (it must not hold a run).")
    private Path run;

    @Option(names = "--config", paramLabel = "FILE",
            description = "For a state_dict: the model's configuration, a checkpoint.json of a run with the same "
                    + "architecture or a JSON object with the fields of its model.config.")
    private Path config;

    @Option(names = "--corpus", paramLabel = "FILE",
            description = "For a character model: the UTF-8 text it was trained on. Its characters are the model's "
                    + "vocabulary (their number must be the model's V), and the run trains further on it.")
    private Path corpus;

    @Option(names = "--batch", paramLabel = "B",
            description = "With --corpus: the parallel streams training continues with. Default: train's.")
    private Integer batch;

    @Option(names = "--seq", paramLabel = "T",
            description = "With --corpus: the chunk length training continues with. Default: train's.")
    private Integer seq;

    /** The key of the training section of a run imported without a corpus: the file it came from. */
    static final String IMPORTED_FROM = "imported_from";

    /** Creates the command. */
    public ImportCommand() {
    }

    @Override
    protected int execute(Output out) throws Exception {
        OptionChecks.notEmpty("MODEL", modelFile);
        OptionChecks.notEmpty("RUN", run);
        if (!Files.isRegularFile(modelFile)) {
            throw new IllegalArgumentException("MODEL: expected a file, found " + (Files.exists(modelFile)
                    ? "something else at " + modelFile : "no such file " + modelFile));
        }
        if (Files.exists(run.resolve(Manifest.FILE)) || Files.isRegularFile(run)) {
            throw new IllegalArgumentException("RUN: expected a new run folder, found an existing "
                    + (Files.isRegularFile(run) ? "file " : "run ") + run + "; likely cause: a name already used "
                    + "(importing never replaces a run)");
        }
        if (corpus == null && (batch != null || seq != null)) {
            throw new IllegalArgumentException((batch != null ? "--batch" : "--seq") + ": expected only with "
                    + "--corpus (they set how a character model trains further), found no --corpus");
        }
        String name = modelFile.getFileName().toString().toLowerCase(Locale.ROOT);
        SequenceModel<float[]> model;
        Preprocessing preprocessing;
        String from;
        if (name.endsWith(".safetensors")) {
            if (config == null) {
                throw new IllegalArgumentException("--config: expected the model's configuration with a state_dict "
                        + "(a state_dict holds weights, not the choices such as the pooling), found none");
            }
            if (!Files.isRegularFile(config)) {
                throw new IllegalArgumentException("--config: expected a JSON file, found " + (Files.isDirectory(config)
                        ? "the folder " + config : Files.exists(config) ? "something else at " + config
                        : "no such file " + config));
            }
            SequenceModelConfig c = configOf(config);
            preprocessing = preprocessingOf(config);
            SafetensorsFile state = SafetensorsFile.read(modelFile);
            requireStateDictFits(c, state);   // before the model is allocated
            model = SequenceModel.create(c, Precision.F32, 0);
            StateDicts.loadStateDict(model, state);
            from = "PyTorch state_dict";
        } else {
            if (config != null) {
                throw new IllegalArgumentException("--config: expected only with a .safetensors state_dict, found "
                        + "MODEL " + modelFile + "; an ONNX file holds its own architecture");
            }
            ImportedModel imported = OnnxImporter.read(modelFile);
            model = imported.model();
            preprocessing = imported.preprocessing();
            from = "ONNX (opset " + imported.opset() + (imported.producer().isEmpty() ? ""
                    : ", " + imported.producer()) + ")" + (imported.headAdded() ? "; the graph has no head: "
                    + "the model's output is the stack's y through an identity head" : "");
        }
        OptionChecks.writableFolder("RUN", run.toAbsolutePath().getParent());
        if (corpus != null) {
            characterRun(model, preprocessing, TextCorpus.load(corpus));
        } else {
            Provenance provenance = new Provenance(Version.get(), 0, modelFile.toString(),
                    Sha256.hex(Files.readAllBytes(modelFile)), Files.size(modelFile),
                    Instant.now().truncatedTo(ChronoUnit.MILLIS).toString(),
                    System.getProperty("java.version", "unknown"));
            Map<String, Object> training = new LinkedHashMap<>();
            training.put(IMPORTED_FROM, modelFile.toString());
            // a task's model (forecaster, classifier) is served from its best weights: the imported ones
            Manifest.FileRef best = preprocessing.task() != null ? Checkpoint.saveBest(run, model, 0) : null;
            Checkpoint.save(run, new Checkpoint.Contents<>(model, preprocessing, provenance, 0, null, null, training,
                    best), Checkpoint.WriteHook.NONE);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("run", run.toString());
        result.put("model", model.toString());
        result.put("from", from);
        result.put("parameters", model.parameterCount());
        if (out.isJson()) {
            out.record(result);
        } else {
            out.value("imported", model + " (" + model.parameterCount() + " parameters) from " + from + " into "
                    + run + (corpus != null ? "; 'recur train --resume " + run + "' trains it further" : ""));
        }
        return ExitCodes.OK;
    }

    /** A character model's run at step 0 on its corpus, with the imported weights: trainable with --resume. */
    private void characterRun(SequenceModel<float[]> model, Preprocessing saved, TextCorpus text)
            throws IOException {
        SequenceModelConfig c = model.config();
        int vocabulary = text.vocabulary().size();
        if (!c.hasTokens() || !c.perStep() || c.features() > 0 || c.layerNorm() || c.hiddenUnits() > 0
                || c.rnn().bidirectional() || c.outputs() != c.vocabSize()) {
            throw new IllegalArgumentException("--corpus: expected a character model (Embedding -> recurrent layers "
                    + "-> Linear to the vocabulary at every step), found " + model + "; likely cause: --corpus given "
                    + "with another kind of model");
        }
        if (saved.vocabulary() != null && !saved.vocabulary().equals(text.vocabulary())) {
            throw new IllegalArgumentException("--corpus " + corpus + ": expected the characters of the vocabulary the "
                    + "model file records (" + c.vocabSize() + "), found other characters; likely cause: not the text "
                    + "the model was trained on");
        }
        if (vocabulary != c.vocabSize()) {
            throw new IllegalArgumentException("--corpus " + corpus + ": expected " + c.vocabSize() + " distinct "
                    + "characters (the model's V), found " + vocabulary + "; likely cause: not the text the model "
                    + "was trained on");
        }
        CharModelSettings.Builder b = CharModelSettings.builder().cell(c.rnn().cell()).embeddingDim(c.embeddingDim())
                .hiddenSize(c.rnn().hiddenSize()).layers(c.rnn().numLayers()).dropout(c.rnn().dropout());
        if (batch != null) {
            OptionChecks.parsed("--batch", () -> b.batch(batch));
        }
        if (seq != null) {
            OptionChecks.parsed("--seq", () -> b.seq(seq));
        }
        CharModelSettings settings = b.build();
        CharModelRun<float[]> session = CharModelRun.start(settings, Precision.F32, text);
        Map<String, Parameter<float[]>> target = session.model().model().namedParameters();
        Map<String, Parameter<float[]>> source = model.namedParameters();
        if (!target.keySet().equals(source.keySet())) {
            throw new IllegalArgumentException("--corpus: expected the parameters of a character model, found "
                    + source.keySet() + "; likely cause: a model with options the character model lacks");
        }
        for (var e : source.entrySet()) {
            float[] to = target.get(e.getKey()).value();
            System.arraycopy(e.getValue().value(), 0, to, 0, to.length);
        }
        Files.createDirectories(run);
        session.checkpointInto(run, Checkpoint.WriteHook.NONE).checkpoint();
    }

    /** The model configuration of a checkpoint.json, or of a JSON object of model.config's fields. */
    private static SequenceModelConfig configOf(Path file) throws IOException {
        if (file.getFileName().toString().equals(Manifest.FILE)) {
            Manifest m = ManifestFormat.read(file);
            return m.sequenceModel().orElseThrow(() -> new FormatException(file, "a sequence model's checkpoint",
                    "a model of type " + m.modelType(), "a run of a custom model"));
        }
        Map<String, Object> map;
        if (Files.size(file) > MAX_CONFIG_BYTES) {
            throw new FormatException(file, "a model configuration of at most " + MAX_CONFIG_BYTES + " bytes",
                    Files.size(file) + " bytes", "another file given to --config");
        }
        try {
            map = new com.fasterxml.jackson.databind.ObjectMapper().readValue(Files.readAllBytes(file),
                    new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            String why = e instanceof com.fasterxml.jackson.core.JacksonException j ? j.getOriginalMessage()
                    : e.getMessage();
            throw new FormatException(file, "a JSON object of the model's configuration", "text the JSON parser "
                    + "refused (" + String.valueOf(why).lines().findFirst().orElse("") + ")",
                    "another file given to --config", e);
        }
        try {
            return SequenceModelConfig.fromMap(map);
        } catch (IllegalArgumentException e) {
            throw FormatException.refused(file, "a valid model configuration", e, "a field missing or mistyped");
        }
    }

    /** The most bytes a {@code --config} JSON may have: a model's fields are a few hundred. */
    private static final long MAX_CONFIG_BYTES = 1 << 20;

    /**
     * Refuses a configuration that cannot be the state_dict's, from the file's header alone: another
     * number of values or of tensors than the configuration's parameters.
     */
    private void requireStateDictFits(SequenceModelConfig c, SafetensorsFile file) throws FormatException {
        long values = 0;
        for (String name : file.names()) {
            long n = 1;
            for (int d : file.shape(name)) {
                n *= d;
            }
            values += n;
        }
        if (values != c.parameterCount()) {
            throw new FormatException(modelFile, "the " + c.parameterCount() + " weights of the model --config "
                    + config + " describes", values + " values in " + file.names().size() + " tensors",
                    "a configuration of another model");
        }
    }

    private static Preprocessing preprocessingOf(Path file) throws IOException {
        return file.getFileName().toString().equals(Manifest.FILE) ? ManifestFormat.read(file).preprocessing()
                : Preprocessing.NONE;
    }
}
