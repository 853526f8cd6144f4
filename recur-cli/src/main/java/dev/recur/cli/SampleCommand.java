package dev.recur.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.recur.data.Vocabulary;
import dev.recur.checkpoint.Manifest;
import dev.recur.checkpoint.ManifestFormat;
import dev.recur.model.TokenSampler;
import dev.recur.tensor.Precision;
import dev.recur.charlm.CharModelRun;
import dev.recur.model.CharLanguageModel;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code recur sample}: generates text from a checkpoint (by default the latest run under
 * {@code runs/}), streaming each character to stdout as soon as it is drawn.
 */
@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Generate text from a trained model, streaming it to stdout character by character.",
            "With --format json, prints one object with the whole text at the end."})
public final class SampleCommand extends RecurCommand {

    @Mixin
    private CheckpointOptions checkpointOptions;

    @Option(names = "--prime", paramLabel = "TEXT",
            description = "Text to start from; printed before the generated text. Default: a line break "
                    + "(not printed).")
    private String prime;

    @Option(names = "--length", paramLabel = "N", defaultValue = "500",
            description = "Characters to generate. Default: ${DEFAULT-VALUE}.")
    private int length;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "0.8",
            description = "Sampling temperature: 1 = the model's distribution, lower = more conservative, "
                    + "0 = always the most likely character. Default: ${DEFAULT-VALUE}.")
    private double temperature;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "0",
            description = "Sample only among the K most likely characters (0 = all). Default: ${DEFAULT-VALUE}.")
    private int topK;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Seed of the draws (the same seed gives the same text). Default: ${DEFAULT-VALUE}.")
    private long seed;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
            description = "Threads to compute with, 0..256 (0 = one per processor). Default: ${DEFAULT-VALUE}.")
    private int threads;

    /** Creates the command. */
    public SampleCommand() {
    }

    /**
     * The prime used when none is given: a line break if the vocabulary has one, else its first
     * character.
     *
     * @param vocabulary the vocabulary
     * @return the prime
     */
    static String defaultPrime(Vocabulary vocabulary) {
        return vocabulary.contains('\n') ? "\n" : vocabulary.token(0);
    }

    /**
     * The precision a command computes a checkpoint in: its own dtype, on {@code threads} threads.
     *
     * @param manifest the checkpoint
     * @param threads  the thread count (0 = one per processor)
     * @return the precision
     */
    static Precision<?> precisionOf(Manifest manifest, int threads) {
        OptionChecks.threads(threads, true);
        int n = threads > 0 ? threads : Math.max(1, Runtime.getRuntime().availableProcessors());
        return (manifest.dtype().equals("float64") ? Precision.F64 : Precision.F32).withThreads(n);
    }

    @Override
    protected int execute(Output out) throws Exception {
        if (Precision.vectorUnavailableReason() != null) {
            out.notice("notice: " + Precision.vectorUnavailableReason());
        }
        CharLanguageModel.requireLength("--length", length);
        // checked before anything is loaded
        OptionChecks.temperature(temperature);
        TokenSampler.requireTopK("--top-k", topK);
        TokenSampler sampler = new TokenSampler(temperature, topK, seed);
        Path run = checkpointOptions.run();
        Manifest manifest = ManifestFormat.read(run);
        return generate(out, run, manifest, precisionOf(manifest, threads), sampler);
    }

    private <A> int generate(Output out, Path run, Manifest manifest, Precision<A> precision,
                             TokenSampler sampler) throws IOException {
        CharLanguageModel<A> model = CharModelRun.load(run, precision);
        String start = prime != null ? prime : defaultPrime(model.vocabulary());
        if (start.isEmpty()) {
            throw new IllegalArgumentException("--prime: expected at least one character, found an empty text");
        }
        try {
            model.vocabulary().encode(start);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--prime: " + e.getMessage(), e);
        }
        var mc = RunFolders.recurrent(manifest);
        out.notice("sampling from %s (step %d, %d-layer %s %d, %d characters)", run, manifest.step(),
                mc.numLayers(), mc.cell().id(), mc.hiddenSize(), model.vocabulary().size());
        if (out.isJson()) {
            StringBuilder sb = new StringBuilder();
            model.generate(start, length, sampler, sb::append);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("checkpoint", run.toString());
            r.put("step", manifest.step());
            r.put("prime", start);
            r.put("text", sb.toString());
            r.put("length", length);
            r.put("temperature", temperature);
            r.put("top_k", topK);
            r.put("seed", seed);
            out.row(r);
        } else {
            PrintWriter stdout = spec.commandLine().getOut();
            if (prime != null) {
                stdout.print(prime);
            }
            if (!streamed(out, stdout, sink -> model.generate(start, length, sampler, sink))) {
                return ExitCodes.FAILURE;
            }
        }
        return ExitCodes.OK;
    }

    /**
     * Whether writing to standard output has failed: the writer's own error flag, or that of the
     * process's {@code System.out} it writes through (a {@link java.io.PrintStream} keeps its errors
     * to itself, so a writer over it never sees a closed pipe).
     */
    private static boolean failed(PrintWriter stdout) {
        return stdout.checkError() || System.out.checkError();
    }

    /** Thrown by a sink whose standard output has been closed, to stop generating. */
    private static final class OutputClosed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        OutputClosed() {
            super(null, null, false, false);
        }
    }

    /**
     * Prints generated text character by character as it is drawn, and stops generating as soon as
     * standard output fails (a closed pipe, as under {@code | head}, or a full disk).
     *
     * @param out      the command's output, for the one-line notice
     * @param stdout   standard output
     * @param generate runs the generation into the sink it is given
     * @return false if standard output failed (a line has been printed on stderr)
     */
    static boolean streamed(Output out, PrintWriter stdout, java.util.function.Consumer<
            java.util.function.Consumer<String>> generate) {
        try {
            generate.accept(ch -> {
                stdout.print(ch);
                stdout.flush();
                if (failed(stdout)) {
                    throw new OutputClosed();
                }
            });
            stdout.println();
            stdout.flush();
        } catch (OutputClosed e) {
            out.warn("generation stopped: standard output was closed (or could not be written)");
            return false;
        }
        if (failed(stdout)) {
            out.warn("standard output could not be written (a closed pipe or a full disk)");
            return false;
        }
        return true;
    }
}
