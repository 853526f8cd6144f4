package dev.recur.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.recur.data.TextCorpus;
import dev.recur.data.Vocabulary;
import dev.recur.diagnostics.ActivationRecorder;
import dev.recur.diagnostics.TextFeatures;
import dev.recur.diagnostics.UnitActivations;
import dev.recur.diagnostics.UnitCorrelations;
import dev.recur.diagnostics.UnitCorrelations.UnitCorrelation;
import dev.recur.io.AtomicFiles;
import dev.recur.checkpoint.Manifest;
import dev.recur.checkpoint.ManifestFormat;
import dev.recur.checkpoint.QuantizedRuns;
import dev.recur.nn.sequence.RecurrentConfig;
import dev.recur.tensor.Precision;
import dev.recur.charlm.CharModelRun;
import dev.recur.model.CharLanguageModel;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code recur inspect}: runs a trained character model over a text and writes a self-contained
 * HTML page that colours every character by the activation of a chosen unit or gate.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write an HTML page that colours every character of a text by what a chosen unit of a trained "
                + "model does there (cell state, hidden state or a gate; menus switch layer, signal and unit), with "
                + "the units most correlated with simple features of the text. The page works offline."})
public final class InspectCommand extends RecurCommand {

    @Mixin
    private CheckpointOptions checkpointOptions;

    @Option(names = "--text", paramLabel = "FILE",
            description = "UTF-8 text to run the model over. Default: the last --max-chars characters of the corpus "
                    + "the model was trained on (its validation part is the last tenth).")
    private Path textFile;

    @Option(names = "--offset", paramLabel = "N", defaultValue = "0",
            description = "With --text: the character to start from. Default: ${DEFAULT-VALUE}.")
    private int offset;

    @Option(names = "--max-chars", paramLabel = "N", defaultValue = "2000",
            description = "Characters to show at most (the page holds every unit's value at each). "
                    + "Default: ${DEFAULT-VALUE}.")
    private int maxChars;

    /** Set by {@link #text}: whether the recorded training corpus no longer has its recorded SHA-256. */
    private boolean corpusChanged;

    @Option(names = "--top", paramLabel = "K", defaultValue = "10",
            description = "Units listed per feature. Default: ${DEFAULT-VALUE}.")
    private int top;

    @Option(names = "--out", paramLabel = "FILE", defaultValue = "inspect.html",
            description = "The page to write (not an input: the text, or a file of the run folder). "
                    + "Default: ${DEFAULT-VALUE}.")
    private Path outFile;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
            description = "Threads to compute with, 0..256 (0 = one per processor). Default: ${DEFAULT-VALUE}.")
    private int threads;

    /** The most values (one byte each, about 4/3 of that in the page) a page may hold. */
    static final long MAX_PAGE_VALUES = 200_000_000L;

    /** Creates the command. */
    public InspectCommand() {
    }

    @Override
    protected int execute(Output out) throws Exception {
        if (maxChars < 1) {
            throw new IllegalArgumentException("--max-chars: expected >= 1, found " + maxChars);
        }
        if (offset < 0) {
            throw new IllegalArgumentException("--offset: expected >= 0, found " + offset);
        }
        if (top < 1) {
            throw new IllegalArgumentException("--top: expected >= 1, found " + top);
        }
        if (offset > 0 && textFile == null) {
            throw new IllegalArgumentException("--offset: only with --text FILE");
        }
        if (Files.isDirectory(outFile)) {
            throw new IllegalArgumentException("--out: expected a file to write, found the directory " + outFile);
        }
        if (Precision.vectorUnavailableReason() != null) {
            out.notice("notice: " + Precision.vectorUnavailableReason());
        }
        Path run = checkpointOptions.run();
        Manifest manifest = ManifestFormat.read(run);
        requireOutIsNoInput(run, manifest);
        OptionChecks.writableFolder("--out", outFile.toAbsolutePath().getParent());
        var mc = RunFolders.recurrent(manifest);
        // the page holds one byte per layer, signal, unit and character; keep it within what one array holds
        int signals = ActivationRecorder.signals(mc.cell()).size();
        long perChar = (long) mc.numLayers() * signals * mc.hiddenSize();
        long limit = MAX_PAGE_VALUES / perChar;
        if (maxChars > limit) {
            throw new IllegalArgumentException("--max-chars: expected at most " + limit + " characters for this model ("
                    + mc.numLayers() + (mc.numLayers() == 1 ? " layer x " : " layers x ") + signals + " signals x "
                    + mc.hiddenSize() + " units = " + perChar + " values per character, at most " + MAX_PAGE_VALUES
                    + " in a page), found " + maxChars);
        }
        return inspect(out, run, manifest, mc, SampleCommand.precisionOf(manifest, threads));
    }

    private <A> int inspect(Output out, Path run, Manifest manifest, RecurrentConfig mc, Precision<A> precision)
            throws IOException {
        if (QuantizedRuns.isQuantized(manifest.dtype())) {
            throw new IllegalArgumentException(run + " holds " + manifest.dtype() + " weights, a quantized copy (recur "
                    + "quantize); inspect records the float model's gates: inspect " + QuantizedRuns.source(manifest));
        }
        CharLanguageModel<A> model = CharModelRun.load(run, precision);
        int[] text = text(manifest);
        String source = textFile != null ? textFile.toString()
                : "the end of " + manifest.provenance().dataSource();
        Vocabulary vocabulary = model.vocabulary();
        int[] ids = new int[text.length];
        for (int t = 0; t < text.length; t++) {
            if (!vocabulary.contains(text[t])) {
                throw new IllegalArgumentException((textFile != null ? "--text " + textFile
                        : "the training corpus " + manifest.provenance().dataSource()) + ": expected "
                        + "characters the model knows, found " + describe(text[t]) + " at character "
                        + (textFile != null ? offset + t + "; likely cause: the model was trained on another alphabet"
                        : t + " of its last " + text.length + "; likely cause: "
                        + (corpusChanged ? "the file has changed since the run was trained (its SHA-256 differs from"
                        + " the one recorded; give --text FILE)" : "the model and its checkpoint do not belong"
                        + " together")));
            }
            ids[t] = vocabulary.id(text[t]);
        }
        if (corpusChanged) {
            out.warn("the training corpus %s has changed since the run was trained (its SHA-256 differs from the"
                    + " one recorded): the page shows its end as it is now", manifest.provenance().dataSource());
        }
        UnitActivations activations = ActivationRecorder.record(model.model(), ids);
        Map<String, List<UnitCorrelation>> correlations = new LinkedHashMap<>();
        for (TextFeatures f : TextFeatures.values()) {
            double[] feature = f.of(text);
            // a feature the text does not vary in (no quotes at all, say) correlates with nothing
            correlations.put(f.label(), TextFeatures.varies(feature)
                    ? UnitCorrelations.strongest(activations, feature, top) : List.of());
        }
        List<String> chars = new ArrayList<>(text.length);
        for (int c : text) {
            chars.add(new String(Character.toChars(c)));
        }
        String description = String.format("%s: %d-layer %s, %d units per layer, step %d; %,d characters of %s",
                run, mc.numLayers(), mc.cell().id(), mc.hiddenSize(), manifest.step(), text.length, source);
        String html = InspectPage.render(description, chars, activations, correlations);
        Path parent = outFile.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        AtomicFiles.writeBytes(outFile, html.getBytes(StandardCharsets.UTF_8));
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("page", outFile.toString());
        r.put("checkpoint", run.toString());
        r.put("characters", text.length);
        for (var e : correlations.entrySet()) {
            String key = e.getKey().replace(' ', '_');
            if (e.getValue().isEmpty()) {
                r.put(key, "constant over this text");
            } else {
                UnitCorrelation u = e.getValue().get(0);
                r.put(key, String.format("layer %d %s unit %d r=%.3f", u.layer(), u.signal().label(), u.unit(),
                        u.correlation()));
            }
        }
        out.record(r);
        return ExitCodes.OK;
    }

    /** Refuses an --out that is the text read or a file of the run folder: the page would replace it. */
    private void requireOutIsNoInput(Path run, Manifest manifest) throws IOException {
        if (textFile != null) {
            OptionChecks.notAnInput("--out", outFile, textFile, "the --text file");
        } else if (!manifest.provenance().dataSource().startsWith("classpath:")) {
            OptionChecks.notAnInput("--out", outFile, Path.of(manifest.provenance().dataSource()),
                    "the corpus the model was trained on (the text shown)");
        }
        try (var files = Files.list(run)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                OptionChecks.notAnInput("--out", outFile, f, f.getFileName().toString().equals(Manifest.FILE)
                        ? "the checkpoint's manifest" : "a file of the run folder " + run);
            }
        }
    }

    /** The code points to show: a window of --text, or the end of the training corpus. */
    private int[] text(Manifest manifest) throws IOException {
        if (textFile != null) {
            TextCorpus corpus = RunFolders.corpus(textFile);
            int[] all = corpus.codePoints();
            if (offset >= all.length) {
                throw new IllegalArgumentException("--offset: expected less than the text's " + all.length
                        + " characters, found " + offset);
            }
            return Arrays.copyOfRange(all, offset, offset + Math.min(maxChars, all.length - offset));
        }
        TextCorpus corpus = RunFolders.recordedCorpus(manifest.provenance().dataSource(), "give --text FILE");
        corpusChanged = !corpus.sha256().equals(manifest.provenance().dataSha256());
        int[] all = corpus.codePoints();
        return Arrays.copyOfRange(all, all.length - Math.min(maxChars, all.length), all.length);
    }

    private static String describe(int codePoint) {
        String name = Character.getName(codePoint);
        return String.format("U+%04X%s", codePoint, name != null ? " (" + name + ")" : "");
    }
}
