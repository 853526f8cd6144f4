package dev.recur.cli;

import dev.recur.bench.Measurement;
import dev.recur.bench.Workload;
import dev.recur.bench.WorkloadRunner;
import dev.recur.bench.Workloads;
import dev.recur.tensor.GemmTuningCache;
import dev.recur.tensor.Precision;
import dev.recur.tensor.QuantizedMatrix;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code recur bench}: times the standard workloads W1–W7 (bundled {@code workloads.json}) in
 * float32 and prints one row per workload and mode: median milliseconds, tokens per second and
 * recurrent GFLOP/s. With {@code --format json} every stdout line is one measurement object with
 * {@code workload}, {@code mode}, {@code threads}, {@code median_ms}, {@code min_ms},
 * {@code samples_ms}, {@code tokens_per_s}, {@code gflops} (and {@code weights} with
 * {@code --weights bf16|int8}: the forward pass with the stack's weights quantized, as
 * {@code recur quantize} stores them).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time the standard recurrent workloads (forward and train_step) in float32.")
public final class BenchCommand extends RecurCommand {

    @Option(names = "--workload", split = ",", paramLabel = "W",
            description = "Workloads to run, comma-separated (default: all: W1..W7).")
    List<String> workloads;

    @Option(names = "--mode", split = ",", paramLabel = "MODE",
            description = "Modes to run, comma-separated: forward, train_step (default: both; "
                    + "inference-only workloads run forward only).")
    List<String> modes;

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads for the kernels, 1..256 (default: the available processors).")
    Integer threads;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "3",
            description = "Untimed runs before timing (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--warmup-time", paramLabel = "S", defaultValue = "5",
            description = "Keep warming up until this many seconds have passed, however many --warmup runs that "
                    + "takes, so that the JIT has compiled what is timed; on two busy cores its last large "
                    + "compilations end 2-3 s in (default: ${DEFAULT-VALUE}).")
    double warmupSeconds;

    @Option(names = "--iters", paramLabel = "N", defaultValue = "7",
            description = "Timed runs; the median is reported (default: ${DEFAULT-VALUE}).")
    int iters;

    @Option(names = "--weights", paramLabel = "W", defaultValue = "float32",
            description = "float32, bf16 or int8: the weights of the forward pass; bf16 and int8 run the "
                    + "quantized inference of 'recur quantize' (forward only). Default: ${DEFAULT-VALUE}.")
    String weights;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Seed of weights, inputs and targets (default: ${DEFAULT-VALUE}).")
    long seed;

    /** Creates the command. */
    public BenchCommand() {
    }

    @Override
    protected int execute(Output out) {
        int nThreads = threads != null ? OptionChecks.threads(threads, false)
                : Runtime.getRuntime().availableProcessors();
        if (iters < 1 || warmup < 0) {
            throw new IllegalArgumentException("--iters must be >= 1 and --warmup >= 0, found " + iters + " and " + warmup);
        }
        if (!(warmupSeconds >= 0) || warmupSeconds > 3600) {
            throw new IllegalArgumentException("--warmup-time: expected seconds in 0..3600, found " + warmupSeconds);
        }
        QuantizedMatrix.Format format = weights.equals("float32") ? null : weightFormat(weights);
        String reason = Precision.vectorUnavailableReason();
        if (reason != null) {
            out.warn("%s", reason);
        }
        List<Workload> selected = workloads == null
                ? new ArrayList<>(Workloads.standard().values()) : Workloads.select(workloads);
        List<Workload.Mode> selectedModes = new ArrayList<>();
        for (String m : modes == null ? List.of("forward", "train_step") : modes) {
            selectedModes.add(Workload.Mode.fromId(m.trim()));
        }
        if (format != null && selectedModes.contains(Workload.Mode.TRAIN_STEP)) {
            if (modes != null) {
                throw new IllegalArgumentException("--weights " + weights + ": quantized weights are for inference; "
                        + "expected --mode forward, found train_step");
            }
            selectedModes.remove(Workload.Mode.TRAIN_STEP);
        }
        GemmTuningCache.Resolved tuning = GemmTuningCache.inEffect();
        out.notice("GEMM tuning %s: %s", tuning.tuning(), tuning.source());
        if (!out.isJson()) {
            out.value("line", String.format("%-4s %-10s %7s %12s %14s %9s", "", "mode", "threads", "median ms",
                    "tokens/s", "GFLOP/s"));
        }
        for (Workload w : selected) {
            WorkloadRunner runner = new WorkloadRunner(w, nThreads, seed, format);
            for (Workload.Mode mode : selectedModes) {
                if (mode == Workload.Mode.TRAIN_STEP && w.inferenceOnly()) {
                    continue;
                }
                out.progress("bench: %s %s (B=%d T=%d I=%d H=%d L=%d %s), %d warm-up runs (at least %s s) + %d timed"
                        + " runs ...", w.name(), mode.id(), w.batch(), w.steps(), w.inputSize(), w.hiddenSize(),
                        w.layers(), w.cell().id(), warmup, warmupSeconds, iters);
                Measurement m = runner.measure(mode, warmup, warmupSeconds, iters);
                if (out.isJson()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("system", "recur");
                    if (format != null) {
                        row.put("weights", format.id());
                    }
                    row.put("workload", m.workload());
                    row.put("mode", m.mode());
                    row.put("threads", m.threads());
                    row.put("median_ms", round(m.medianMs(), 4));
                    row.put("min_ms", round(m.minMs(), 4));
                    List<Double> samples = new ArrayList<>();
                    for (double s : m.samplesMs()) {
                        samples.add(round(s, 4));
                    }
                    row.put("samples_ms", samples);
                    row.put("tokens_per_s", round(m.tokensPerS(), 1));
                    row.put("gflops", round(m.gflops(), 2));
                    out.row(row);
                } else {
                    out.value("line", String.format("%-4s %-10s %7d %12.3f %14.0f %9.1f", m.workload(), m.mode(),
                            m.threads(), m.medianMs(), m.tokensPerS(), m.gflops()));
                }
            }
        }
        return ExitCodes.OK;
    }

    private static QuantizedMatrix.Format weightFormat(String id) {
        try {
            return QuantizedMatrix.Format.fromId(id);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--weights: expected float32, bf16 or int8, found \"" + id + "\"");
        }
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
