package dev.recur.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import dev.recur.data.TextCorpus;
import dev.recur.checkpoint.Manifest;
import dev.recur.checkpoint.ManifestFormat;
import dev.recur.tensor.Precision;
import dev.recur.model.EvalResult;
import dev.recur.charlm.CharModelRun;
import dev.recur.model.CharLanguageModel;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code recur eval}: the loss of a checkpoint (by default the latest run) on a text file, in nats
 * and bits per character and as perplexity, measured as training validates (the text cut into
 * {@code B} streams read in chunks, state carried, every predicted character counted once).
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measure a trained model's loss, bits per character and perplexity on a text file.")
public final class EvalCommand extends RecurCommand {

    @Mixin
    private CheckpointOptions checkpointOptions;

    @Option(names = "--text", paramLabel = "FILE", required = true, description = "UTF-8 text to evaluate on.")
    private Path text;

    @Option(names = "--batch", paramLabel = "B",
            description = "Parallel streams. Default: the run's batch size (fewer for a text too short for it).")
    private Integer batch;

    @Option(names = "--seq", paramLabel = "T", description = "Chunk length. Default: the run's.")
    private Integer seq;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "Threads to compute with, 0..256 (0 = one per processor). Default: ${DEFAULT-VALUE}.")
    private int threads;

    /** Creates the command. */
    public EvalCommand() {
    }

    @Override
    protected int execute(Output out) throws Exception {
        if (Precision.vectorUnavailableReason() != null) {
            out.notice("notice: " + Precision.vectorUnavailableReason());
        }
        if (batch != null && batch < 1) {
            throw new IllegalArgumentException("--batch: expected a positive integer, found " + batch);
        }
        if (seq != null && seq < 1) {
            throw new IllegalArgumentException("--seq: expected a positive integer, found " + seq);
        }
        Path run = checkpointOptions.run();
        Manifest manifest = ManifestFormat.read(run);
        TextCorpus corpus = RunFolders.corpus(text);
        return evaluate(out, run, manifest, SampleCommand.precisionOf(manifest, threads), corpus);
    }

    private <A> int evaluate(Output out, Path run, Manifest manifest, Precision<A> precision,
                             TextCorpus corpus) throws IOException {
        CharLanguageModel<A> model = CharModelRun.load(run, precision);
        int[] tokens;
        try {
            tokens = corpus.encode(model.vocabulary());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(text + ": " + e.getMessage(), e);
        }
        if (tokens.length < 2) {
            throw new IllegalArgumentException(text + ": expected at least 2 characters (one to predict from, one "
                    + "to predict), found " + tokens.length);
        }
        int b = batch != null ? batch : manifest.dataSize("batch").orElse(32);
        int t = seq != null ? seq : manifest.dataSize("seq").orElse(100);
        if (batch == null) {
            b = Math.min(b, tokens.length - 1);
        } else if (batch > tokens.length - 1) {
            throw new IllegalArgumentException("--batch: expected at most " + (tokens.length - 1) + " streams for the "
                    + tokens.length + " characters of " + text + " (each stream predicts at least one character from "
                    + "the one before it), found " + batch + "; likely cause: a text too short for this many streams "
                    + "(without --batch, eval reads a short text in fewer streams)");
        }
        EvalResult r;
        try {
            r = model.evaluate(tokens, b, t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(text + ": " + e.getMessage(), e);
        }
        if (!Double.isFinite(r.loss())) {
            // as sample refuses scores that are not finite, rather than print a NaN as a result
            throw new IllegalArgumentException(run + ": expected a model whose loss on " + text + " is a finite "
                    + "number, found " + r.loss() + "; likely cause: the model's scores overflow (weights grown too "
                    + "large, as in a run that was diverging when it was saved)");
        }
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("checkpoint", run.toString());
        rec.put("step", manifest.step());
        rec.put("text", text.toString());
        rec.put("characters", tokens.length);
        rec.put("predicted", r.predictions());
        rec.put("batch", b);
        rec.put("seq", t);
        // Full precision in JSON; four decimals for reading.
        rec.put("loss_nats_per_char", out.isJson() ? r.loss() : String.format(Locale.ROOT, "%.4f", r.loss()));
        rec.put("bits_per_char", out.isJson() ? r.bitsPerChar() : String.format(Locale.ROOT, "%.4f", r.bitsPerChar()));
        rec.put("perplexity", out.isJson() ? r.perplexity() : String.format(Locale.ROOT, "%.4f", r.perplexity()));
        out.record(rec);
        return ExitCodes.OK;
    }
}
