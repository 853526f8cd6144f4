package dev.recur.cli;

import dev.recur.checkpoint.Checkpoint;
import dev.recur.checkpoint.Manifest;
import dev.recur.checkpoint.ManifestFormat;
import dev.recur.checkpoint.QuantizedRuns;
import dev.recur.io.AtomicFiles;
import dev.recur.io.StateDicts;
import dev.recur.model.Model;
import dev.recur.model.SequenceModel;
import dev.recur.onnx.OnnxExporter;
import dev.recur.tensor.Precision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code recur export RUN OUT}: a trained model in a format other engines load: ONNX (ONNX Runtime
 * and every ONNX engine) or a PyTorch {@code state_dict} in safetensors.
 */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a trained model for another engine: an ONNX graph (opset 17; ONNX Runtime runs it with "
                + "the outputs recur computes) or the PyTorch state_dict as safetensors (loads with "
                + "load_state_dict into the equivalent torch module)."})
public final class ExportCommand extends RecurCommand {

    @Parameters(index = "0", paramLabel = "RUN", description = "The run folder (or its checkpoint.json).")
    private Path run;

    @Parameters(index = "1", paramLabel = "OUT", description = "The file to write.")
    private Path outFile;

    @Option(names = "--to", paramLabel = "onnx|safetensors",
            description = "The format to write. Default: from OUT's extension (.onnx or .safetensors).")
    private String format;

    @Option(names = "--initial-state",
            description = "ONNX: also take the initial state as inputs h0 (and c0 for an LSTM), [L*D, B, H], so a "
                    + "server can carry the state between calls (the final state is always an output: h_n, c_n).")
    private boolean initialState;

    @Option(names = "--latest", description = "Export the latest weights even where early stopping kept a best "
            + "model. Default: the weights the run serves (its best model where it kept one, as forecast and classify "
            + "runs do; else the latest).")
    private boolean latest;

    /** Creates the command. */
    public ExportCommand() {
    }

    @Override
    protected int execute(Output out) throws Exception {
        OptionChecks.notEmpty("RUN", run);
        OptionChecks.notEmpty("OUT", outFile);
        String chosen = format(format, outFile);
        if (initialState && !chosen.equals("onnx")) {
            throw new IllegalArgumentException("--initial-state: expected with the onnx format, found the " + chosen
                    + " format; likely cause: a state_dict holds weights only");
        }
        Path folder = RunFolders.checkpoint(run, Path.of(RunFolders.DEFAULT_RUNS), "RUN");
        OptionChecks.outputFile("OUT", outFile, folder.resolve("checkpoint.json"), "the run's manifest");
        Path outFolder = outFile.toAbsolutePath().getParent();
        if (Files.exists(outFolder.resolve("checkpoint.json"))) {
            throw new IllegalArgumentException("OUT: expected a file outside any run folder, found " + outFile + " in "
                    + "the run folder " + outFolder + "; likely cause: a path inside the run (its files are the "
                    + "run's own: writing there could replace one)");
        }
        Manifest manifest = ManifestFormat.read(folder);
        if (QuantizedRuns.isQuantized(manifest.dtype())) {
            throw new IllegalArgumentException("RUN: " + folder + " holds " + manifest.dtype() + " weights, a quantized "
                    + "copy (recur quantize); export writes float weights: export " + QuantizedRuns.source(manifest));
        }
        boolean best = !latest && manifest.files().containsKey("best");
        // a state_dict keeps the run's precision; ONNX is float32
        Precision<?> precision = chosen.equals("safetensors") && manifest.dtype().equals("float64")
                ? Precision.F64 : Precision.F32;
        Checkpoint.Loaded<?> loaded = Checkpoint.loadModel(folder, precision, best);
        Model<?> model = loaded.model();
        long bytes;
        if (chosen.equals("onnx")) {
            if (!(model instanceof SequenceModel<?> sm)) {
                throw new IllegalArgumentException(folder + ": expected a sequence model to export as ONNX, found a "
                        + "model of type " + loaded.manifest().modelType());
            }
            bytes = OnnxExporter.write(sm, loaded.preprocessing(), outFile,
                    new OnnxExporter.Options(initialState, RecurVersion.get()));
        } else {
            byte[] file = StateDicts.checkedWriter(model).metadata("format", "pt").toBytes();
            AtomicFiles.writeBytes(outFile, file);
            bytes = file.length;
        }
        Object step = best ? bestStep(loaded.manifest()) : loaded.manifest().step();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("file", outFile.toString());
        result.put("format", chosen);
        result.put("bytes", bytes);
        result.put("weights", best ? "best" : "latest");
        result.put("step", step);
        result.put("dtype", chosen.equals("onnx") ? "float32" : loaded.manifest().dtype());
        result.put("model", model.toString());
        if (out.isJson()) {
            out.record(result);
        } else {
            out.value("exported", model + " (" + (best ? "its best weights, kept at step " + step + ", as the run "
                    + "serves them" : "step " + step) + ") to " + outFile + " as " + chosen + " ("
                    + result.get("dtype") + "), " + bytes + " bytes");
        }
        return ExitCodes.OK;
    }

    /** The step early stopping kept the best model at, as the manifest records it. */
    private static Object bestStep(Manifest manifest) {
        Object best = manifest.training().get("best");
        return best instanceof Map<?, ?> m && m.get("step") != null ? m.get("step") : "?";
    }

    private static String format(String given, Path file) {
        if (given != null) {
            String f = given.toLowerCase(Locale.ROOT);
            if (!f.equals("onnx") && !f.equals("safetensors")) {
                throw new IllegalArgumentException("--to: expected onnx or safetensors, found '" + given + "'");
            }
            return f;
        }
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".onnx")) {
            return "onnx";
        }
        if (name.endsWith(".safetensors")) {
            return "safetensors";
        }
        throw new IllegalArgumentException("OUT: expected a name ending in .onnx or .safetensors (or give --to onnx|safetensors), "
                + "found " + file);
    }
}
