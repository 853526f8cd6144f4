package dev.recur.cli;

import dev.recur.checkpoint.Manifest;
import dev.recur.checkpoint.QuantizedRuns;
import dev.recur.tensor.QuantizedMatrix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code recur quantize RUN OUT --int8|--bf16}: a quantized copy of a character model's run for
 * inference: the recurrent and head weights as int8 (one float32 scale per output row) or bf16,
 * the rest float32, in a new run folder that {@code sample} and {@code eval} take as they take any
 * run; training, resuming, {@code export} and {@code inspect} refuse it.
 */
@Command(name = "quantize", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a quantized copy of a run for inference: recurrent and head weights as int8 (per-row "
                + "scales) or bf16, widened to float32 inside the products; sample and eval use it like any run."})
public final class QuantizeCommand extends RecurCommand {

    @Parameters(index = "0", paramLabel = "RUN", description = "The run folder (or its checkpoint.json).")
    private Path run;

    @Parameters(index = "1", paramLabel = "OUT", description = "The new run folder to write (must not exist).")
    private Path outFolder;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private Format format;

    static final class Format {
        @Option(names = "--int8", required = true, description = "int8 weights, one float32 scale per output row.")
        boolean int8;

        @Option(names = "--bf16", required = true, description = "bfloat16 weights (rounded to nearest even).")
        boolean bf16;
    }

    /** Creates the command. */
    public QuantizeCommand() {
    }

    @Override
    protected int execute(Output out) throws Exception {
        OptionChecks.notEmpty("RUN", run);
        OptionChecks.notEmpty("OUT", outFolder);
        Path folder = RunFolders.checkpoint(run, Path.of(RunFolders.DEFAULT_RUNS), "RUN");
        QuantizedMatrix.Format f = format.int8 ? QuantizedMatrix.Format.INT8 : QuantizedMatrix.Format.BF16;
        Manifest m;
        try {
            m = QuantizedRuns.write(folder, outFolder, f);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("RUN: " + e.getMessage(), e);
        }
        long bytes = Files.size(outFolder.resolve(m.files().get("model").name()));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("run", outFolder.toString());
        result.put("from", folder.toString());
        result.put("weights", f.id());
        result.put("step", m.step());
        result.put("model_bytes", bytes);
        if (out.isJson()) {
            out.record(result);
        } else {
            out.value("quantized", folder + " (step " + m.step() + ") to " + outFolder + ": " + f.id()
                    + " weights, model file " + bytes + " bytes");
        }
        return ExitCodes.OK;
    }
}
