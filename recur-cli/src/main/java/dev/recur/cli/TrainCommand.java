package dev.recur.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.recur.charlm.CharModelRun;
import dev.recur.charlm.CharModelSettings;
import dev.recur.checkpoint.Manifest;
import dev.recur.checkpoint.RunLock;
import dev.recur.checkpoint.ManifestFormat;
import dev.recur.checkpoint.QuantizedRuns;
import dev.recur.data.TextCorpus;
import dev.recur.io.FormatException;
import dev.recur.model.CharLanguageModel;
import dev.recur.model.TokenSampler;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.tensor.Precision;
import dev.recur.train.DivergencePolicy;
import dev.recur.train.OptimizerChoice;
import dev.recur.train.ScheduleConfig;
import dev.recur.train.TrainConfig;
import dev.recur.train.Trainer;
import dev.recur.train.TrainingDivergedException;

import picocli.CommandLine.Command;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/**
 * {@code recur train}: trains a character language model on a corpus (by default the bundled
 * tinyshakespeare) with truncated BPTT, showing a progress bar on stderr and printing a line
 * {@code val loss X nats/char (Y bits/char) at step N} on stdout at every validation. Each run
 * writes a folder {@code runs/<start time>} with the checkpoint and the loss curve {@code loss.png},
 * and ends by printing a short sample of generated text. {@code --resume} continues a run exactly
 * where its last checkpoint stopped. The run itself is the library's {@link CharModelRun}; this
 * command parses options, prints and draws.
 *
 * <p>The defaults of the training options come from {@link CharModelSettings.Builder} (through
 * {@link Defaults}); the bare command trains a fixed number of steps, so its result depends on the
 * seed and not on the speed of the machine.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        defaultValueProvider = TrainCommand.Defaults.class,
        description = {"Train a character language model (LSTM/GRU/RNN) on a text corpus.",
            "Progress goes to stderr; the validation lines, the run folder and a sample go to stdout.",
            "Each run writes runs/<start time>/: checkpoint.json, model-<step>.safetensors (PyTorch state_dict "
                    + "names), optimizer and trainer state, and loss.png."})
public final class TrainCommand extends RecurCommand {

    /** The options that give the settings the core library's checks name. */
    private static final Map<String, String> SETTING_OPTIONS = Map.ofEntries(Map.entry("hidden_size", "--hidden"),
            Map.entry("embedding_dim", "--embedding"), Map.entry("batch and seq", "--batch/--seq"),
            Map.entry("momentum", "--momentum"), Map.entry("beta1/beta2", "--beta1/--beta2"),
            Map.entry("min_lr", "--min-lr"), Map.entry("decay_every/decay_gamma", "--decay-every/--decay-gamma"),
            Map.entry("decay_every", "--decay-every"), Map.entry("warmup", "--warmup"),
            Map.entry("schedule", "--schedule"));

    /** The options that {@code --resume} may change (all others are the run's). */
    private static final List<String> RESUMABLE = List.of("--steps", "--time", "--eval-every", "--checkpoint-every",
            "--threads", "--corpus", "--runs-dir", "--resume", "--sample-length", "--temperature",
            "--test-step-delay-ms", "--test-pause-before-commit", "--test-commit-delay-ms", "--format", "--quiet", "-q");

    @Option(names = "--corpus", paramLabel = "FILE",
            description = "UTF-8 text to train on. Default: the bundled tinyshakespeare (1.1 MB).")
    private Path corpus;

    @Option(names = "--cell", paramLabel = "lstm|gru|rnn|rnn_relu",
            description = "Recurrent cell. Default: ${DEFAULT-VALUE}.")
    private String cell;

    @Option(names = "--layers", paramLabel = "N", description = "Recurrent layers. Default: ${DEFAULT-VALUE}.")
    private int layers;

    @Option(names = "--hidden", paramLabel = "N", description = "Hidden size H. Default: ${DEFAULT-VALUE}.")
    private int hidden;

    @Option(names = "--embedding", paramLabel = "N",
            description = "Character embedding size E. Default: ${DEFAULT-VALUE}.")
    private int embedding;

    @Option(names = "--dropout", paramLabel = "P",
            description = "Dropout probability in training (embeddings, between layers, before the head). "
                    + "Default: ${DEFAULT-VALUE}.")
    private double dropout;

    @Option(names = "--optimizer", paramLabel = "adam|adamw|sgd|rmsprop",
            description = "Optimizer, exactly as PyTorch's. Default: ${DEFAULT-VALUE}.")
    private String optimizer;

    @Option(names = "--lr", paramLabel = "RATE", description = "Learning rate. Default: ${DEFAULT-VALUE}.")
    private double lr;

    @Option(names = "--momentum", paramLabel = "M",
            description = "Momentum (sgd, rmsprop). Default: the optimizer's PyTorch default (0).")
    private Double momentum;

    @Option(names = "--weight-decay", paramLabel = "WD",
            description = "Weight decay. Default: the optimizer's PyTorch default (0; adamw 0.01).")
    private Double weightDecay;

    @Option(names = "--beta1", paramLabel = "B1", description = "Adam's beta1. Default: PyTorch's (0.9).")
    private Double beta1;

    @Option(names = "--beta2", paramLabel = "B2", description = "Adam's beta2. Default: PyTorch's (0.999).")
    private Double beta2;

    @Option(names = "--clip", paramLabel = "NORM",
            description = "Clip the global gradient 2-norm to NORM (0 = no clipping). Default: ${DEFAULT-VALUE}.")
    private double clip;

    @Option(names = "--on-divergence", paramLabel = "stop|skip|rollback",
            description = "A step whose loss, a gradient or the carried state is NaN or infinite: stop the run (naming "
                    + "the step and the tensor), skip its update, or roll back to the last good validation or "
                    + "checkpoint with the learning rate halved. Default: ${DEFAULT-VALUE}.")
    private String onDivergence;

    @Option(names = "--schedule", paramLabel = "constant|cosine|step",
            description = "Learning-rate schedule: constant; cosine (decays to --min-lr at the last step); step "
                    + "(times --decay-gamma every --decay-every steps). Default: ${DEFAULT-VALUE}.")
    private String schedule;

    @Option(names = "--warmup", paramLabel = "STEPS",
            description = "Linear learning-rate warm-up over the first STEPS steps. Default: ${DEFAULT-VALUE}.")
    private long warmup;

    @Option(names = "--min-lr", paramLabel = "RATE",
            description = "Cosine schedule: the final learning rate. Default: ${DEFAULT-VALUE}.")
    private double minLr;

    @Option(names = "--decay-every", paramLabel = "STEPS", description = "Step schedule: steps between decays.")
    private Long decayEvery;

    @Option(names = "--decay-gamma", paramLabel = "G",
            description = "Step schedule: the decay factor. Default: ${DEFAULT-VALUE}.")
    private double decayGamma;

    @Option(names = "--batch", paramLabel = "B", description = "Parallel streams B. Default: ${DEFAULT-VALUE}.")
    private int batch;

    @Option(names = "--seq", paramLabel = "T",
            description = "Chunk length T (truncated BPTT steps). Default: ${DEFAULT-VALUE}.")
    private int seq;

    @Option(names = "--steps", paramLabel = "N",
            description = "Step budget (0 = none). Default: ${DEFAULT-VALUE}, or none when only --time is given.")
    private long steps;

    @Option(names = "--time", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Training-time budget, e.g. 300, 90s, 4m, 1h30m (without validation time). "
                    + "Default: none.")
    private Double time;

    @Option(names = "--eval-every", paramLabel = "N",
            description = "Validate every N steps, and at the end. Default: ${DEFAULT-VALUE}.")
    private int evalEvery;

    @Option(names = "--checkpoint-every", paramLabel = "N",
            description = "Save a checkpoint every N steps, and at the end. Default: ${DEFAULT-VALUE}.")
    private int checkpointEvery;

    @Option(names = "--seed", paramLabel = "S",
            description = "Seed of the initial weights, dropout and the final sample. Default: ${DEFAULT-VALUE}.")
    private long seed;

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads to compute with, 0..256 (0 = one per processor; results do not depend on it). "
                    + "Default: ${DEFAULT-VALUE}.")
    private int threads;

    @Option(names = "--dtype", paramLabel = "float32|float64",
            description = "Precision of the model. Default: ${DEFAULT-VALUE}.")
    private String dtype;

    @Option(names = "--runs-dir", paramLabel = "DIR",
            description = "Folder of the run folders. Default: ${DEFAULT-VALUE}.")
    private Path runsDir;

    @Option(names = "--run-name", paramLabel = "NAME",
            description = "Name of the new run folder. Default: the start time, yyyyMMdd-HHmmss.")
    private String runName;

    @Option(names = "--resume", paramLabel = "RUN", arity = "0..1", fallbackValue = "",
            description = "Continue a run from its checkpoint (default: the latest run; a bare name that is not in "
                    + "the working directory is a run under --runs-dir) with its own settings; "
                    + "only --steps, --time, --eval-every, --checkpoint-every and --threads may change.")
    private String resume;

    @Option(names = "--sample-length", paramLabel = "N",
            description = "Characters of text to generate at the end (0 = none). Default: ${DEFAULT-VALUE}.")
    private int sampleLength;

    @Option(names = "--temperature", paramLabel = "T",
            description = "Temperature of the final sample. Default: ${DEFAULT-VALUE}.")
    private double temperature;

    @Option(names = "--test-step-delay-ms", hidden = true, description = "Testing: sleep after every step.")
    private long testStepDelayMs;

    @Option(names = "--test-pause-before-commit", hidden = true,
            description = "Testing: stall inside the checkpoint write of this step, before the commit.")
    private long testPauseBeforeCommit = -1;

    @Option(names = "--test-commit-delay-ms", hidden = true,
            description = "Testing: sleep inside every checkpoint write, before the commit.")
    private long testCommitDelayMs;

    /** The lock on the run folder while this command writes it (null before it is known). */
    private RunLock lock;

    /** Creates the command. */
    public TrainCommand() {
    }

    /**
     * The defaults of {@code recur train}'s options: those of {@link CharModelSettings.Builder}, plus
     * the command line's own (dtype, runs folder, final sample).
     */
    public static final class Defaults implements IDefaultValueProvider {
        /** Creates the provider (picocli instantiates it reflectively). */
        public Defaults() {
        }

        @Override
        public String defaultValue(ArgSpec argSpec) {
            if (!(argSpec instanceof OptionSpec o)) {
                return null;
            }
            CharModelSettings d = CharModelSettings.builder().build();
            TrainConfig t = d.train();
            return switch (o.longestName()) {
                case "--cell" -> d.cell().id();
                case "--layers" -> Integer.toString(d.layers());
                case "--hidden" -> Integer.toString(d.hiddenSize());
                case "--embedding" -> Integer.toString(d.embeddingDim());
                case "--dropout" -> Double.toString(d.dropout());
                case "--optimizer" -> t.optimizer().name();
                case "--lr" -> Double.toString(t.optimizer().learningRate());
                case "--clip" -> Double.toString(t.clipNorm());
                case "--on-divergence" -> t.onDivergence().id();
                case "--schedule" -> t.schedule().kind().id();
                case "--warmup" -> Long.toString(t.schedule().warmupSteps());
                case "--min-lr" -> Double.toString(t.schedule().minLr());
                case "--decay-gamma" -> "0.1";
                case "--batch" -> Integer.toString(d.batch());
                case "--seq" -> Integer.toString(d.seq());
                case "--steps" -> Long.toString(t.steps());
                case "--eval-every" -> Integer.toString(t.evalEvery());
                case "--checkpoint-every" -> Integer.toString(t.checkpointEvery());
                case "--seed" -> Long.toString(t.seed());
                case "--threads" -> Integer.toString(t.threads());
                case "--dtype" -> "float32";
                case "--runs-dir" -> RunFolders.DEFAULT_RUNS;
                case "--sample-length" -> "300";
                case "--temperature" -> "0.8";
                default -> null;
            };
        }
    }

    @Override
    protected int execute(Output out) throws Exception {
        if (Precision.vectorUnavailableReason() != null) {
            out.notice("notice: " + Precision.vectorUnavailableReason());
        }
        ParseResult parsed = spec.commandLine().getParseResult();
        if (resume != null) {
            for (OptionSpec o : parsed.matchedOptions()) {
                if (!RESUMABLE.contains(o.longestName())) {
                    throw new IllegalArgumentException(o.longestName() + ": cannot be given with --resume: a resumed "
                            + "run keeps its own settings (only --steps, --time, --eval-every, --checkpoint-every "
                            + "and --threads may change)");
                }
            }
        }
        // checked now, not when the run is over
        OptionChecks.threads(threads, true);
        OptionChecks.temperature(temperature);
        try {
            Manifest resumed = resume != null ? ManifestFormat.read(resumeDirectory()) : null;
            if (resumed != null && QuantizedRuns.isQuantized(resumed.dtype())) {
                throw new IllegalArgumentException("--resume: " + resumed.directory() + " holds " + resumed.dtype()
                        + " weights, a quantized copy for inference (recur quantize); training needs float weights: "
                        + "resume " + QuantizedRuns.source(resumed));
            }
            return switch (resumed != null ? resumed.dtype() : dtype.toLowerCase(Locale.ROOT)) {
                case "float32" -> run(out, parsed, Precision.F32);
                case "float64" -> run(out, parsed, Precision.F64);
                default -> throw new IllegalArgumentException("--dtype: expected float32 or float64, found '" + dtype
                        + "'");
            };
        } finally {
            if (lock != null) {
                lock.close();   // the run folder's lock, taken by run() once it knows the folder
            }
        }
    }

    private Path resumeDirectory() throws IOException {
        return RunFolders.checkpoint(resume.isEmpty() ? null : Path.of(resume), runsDir, "--resume");
    }

    private <A> int run(Output out, ParseResult parsed, Precision<A> precision) throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        CharModelRun<A> session;
        TextCorpus text;
        Path run;
        boolean fresh = resume == null;
        if (resume != null) {
            run = resumeDirectory();
            Manifest manifest = ManifestFormat.read(run);
            if (manifest.training().containsKey(ImportCommand.IMPORTED_FROM)) {
                throw new FormatException(manifest.file(), "a run that records how it trains (its data and "
                        + "configuration)", "a model imported from " + manifest.training().get(ImportCommand.IMPORTED_FROM)
                        + " without a corpus", "import it again with --corpus TEXT (the text it was trained on) to "
                        + "train it further");
            }
            OptionChecks.writableFolder("--resume", run);
            lock = RunLock.acquire(run, "recur train --resume");   // before anything of the run is read
            removeInterruptedChart(run);
            // a budget given replaces the run's own: --steps alone drops a saved time budget, --time alone
            // a saved step budget (TrainConfig.Changes)
            TrainConfig.Changes changes = new TrainConfig.Changes(
                    parsed.hasMatchedOption("--steps") ? steps : null, null,
                    parsed.hasMatchedOption("--time") ? time : null,
                    parsed.hasMatchedOption("--eval-every") ? evalEvery : null,
                    parsed.hasMatchedOption("--checkpoint-every") ? checkpointEvery : null,
                    parsed.hasMatchedOption("--threads") ? threads : null);
            text = corpus != null ? RunFolders.corpus(corpus)
                    : RunFolders.recordedCorpus(manifest.provenance().dataSource());
            session = CharModelRun.resume(run, changes, precision, text, this::beforeCommit);
            // after resume, so that a damaged checkpoint is reported first
            if (session.trainer().budgetReached()) {
                throw spentBudget(session.trainer(), parsed);
            }
            out.notice("resuming %s at step %d (%s)", run, session.trainer().stepCount(), RunFolders.describe(text));
        } else {
            CharModelSettings settings = settings(parsed);
            OptionChecks.writableFolder("--runs-dir", runsDir);
            OptionChecks.notARunFolder("--runs-dir", runsDir, "the folder of the run folders");
            text = RunFolders.corpus(corpus);
            try {
                session = CharModelRun.start(settings, precision, text);
            } catch (IllegalArgumentException e) {
                throw OptionChecks.naming(SETTING_OPTIONS, e);   // the logits, [T, B, V], once V is known
            }
            run = RunFolders.create(runsDir, runName);
            lock = RunLock.acquire(run, "recur train");
            session.checkpointInto(run, this::beforeCommit);
        }
        Trainer<A> trainer = session.trainer();
        TrainConfig c = trainer.config();
        CharModelSettings shape = session.settings();
        out.notice("corpus %s: %,d characters, %d distinct; %,d train, %,d validation", RunFolders.describe(text),
                text.length(), session.vocabulary().size(), session.trainCharacters(), session.validationCharacters());
        out.notice("model: %d-layer %s, hidden %d, embedding %d, dropout %s: %,d parameters, %s", shape.layers(),
                shape.cell().id(), shape.hiddenSize(), shape.embeddingDim(), shape.dropout(),
                trainer.model().parameterCount(), trainer.precision());
        out.notice("training: %s lr %s, %s schedule, clip %s, batch %d x seq %d, %s; validation every %d steps",
                c.optimizer().name(), c.optimizer().learningRate(), c.schedule().kind().id(), c.clipNorm(),
                session.batch(), session.seq(), budget(c), c.evalEvery());
        out.notice("run folder: %s", run);

        boolean bySteps = c.steps() > 0;
        long max = bySteps ? c.steps() : (long) Math.ceil(c.timeBudgetSeconds());
        long start = bySteps ? trainer.stepCount() : (long) trainer.trainSeconds();
        TrainReport report;
        TrainingDivergedException diverged = null;
        try (ProgressDisplay progress = new ProgressDisplay(stderr, !isQuiet(), "train", max, start,
                bySteps ? " steps" : " s")) {
            report = new TrainReport(out, stdout, progress, trainer, run, bySteps, testStepDelayMs);
            try {
                trainer.train(report, new DivergenceNotices(out));
            } catch (TrainingDivergedException e) {
                diverged = e;
            }
        } catch (IOException | RuntimeException | Error e) {
            removeIfEmpty(fresh, run);
            throw e;
        }
        if (diverged != null) {
            removeIfEmpty(fresh, run);
            stderr.println(spec.qualifiedName() + ": " + diverged.getMessage());
            stderr.flush();
            return ExitCodes.FAILURE;
        }
        report.done(fresh);
        if (sampleLength > 0) {
            CharLanguageModel<A> model = session.model();
            String prime = SampleCommand.defaultPrime(model.vocabulary());
            TokenSampler sampler = new TokenSampler(temperature, 0, c.seed());
            if (out.isJson()) {
                StringBuilder sb = new StringBuilder();
                model.generate(prime, sampleLength, sampler, sb::append);
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("event", "sample");
                s.put("temperature", temperature);
                s.put("text", sb.toString());
                out.row(s);
            } else {
                stdout.println("sample (temperature " + temperature + "):");
                if (!SampleCommand.streamed(out, stdout, sink -> model.generate(prime, sampleLength, sampler, sink))) {
                    return ExitCodes.FAILURE;
                }
            }
        }
        return ExitCodes.OK;
    }

    /** A temporary file left by an interrupted atomic write of the loss chart (see {@link LossChart}). */
    private static final java.util.regex.Pattern CHART_TEMP = java.util.regex.Pattern.compile(
            "\\.loss\\.png\\.[0-9a-z]+\\.tmp");

    /**
     * Deletes what a killed run left of a write of its loss chart ({@code .loss.png.<random>.tmp}),
     * once this process holds the run's lock: the checkpoint's own leftovers go with its next save,
     * but nothing else would ever remove these.
     */
    private static void removeInterruptedChart(Path run) {
        try (var files = java.nio.file.Files.newDirectoryStream(run)) {
            for (Path p : files) {
                if (CHART_TEMP.matcher(p.getFileName().toString()).matches()) {
                    java.nio.file.Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            // harmless: a leftover is never read, and the next resume tries again
        }
    }

    /** Deletes a new run folder that never got a checkpoint (so that a failed run leaves nothing behind). */
    private static void removeIfEmpty(boolean fresh, Path run) {
        if (fresh) {
            RunFolders.removeUnfinished(run);
        }
    }

    private boolean isQuiet() {
        return spec.root().userObject() instanceof Main main && main.quiet();
    }

    private static String budget(TrainConfig c) {
        String s = c.steps() > 0 ? String.format(Locale.ROOT, "%,d steps", c.steps()) : "";
        String t = c.timeBudgetSeconds() > 0 ? String.format(Locale.ROOT, "%.0f s", c.timeBudgetSeconds()) : "";
        return s.isEmpty() ? t : t.isEmpty() ? s : s + " or " + t + ", whichever comes first";
    }

    /**
     * The testing hooks: stalls inside the chosen checkpoint write, or slows every one down, so that a
     * test can kill the process there.
     */
    private void beforeCommit(Path dir, long step) {
        if (testCommitDelayMs > 0) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("test hook: committing the checkpoint of step " + step + " in " + testCommitDelayMs + " ms");
            err.flush();
            try {
                Thread.sleep(testCommitDelayMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (step == testPauseBeforeCommit) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("test hook: stalled before committing the checkpoint of step " + step);
            err.flush();
            try {
                Thread.sleep(600_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A resumed run whose budget is already spent: which budget, and what to give instead. */
    private static IllegalArgumentException spentBudget(Trainer<?> trainer, ParseResult parsed) {
        TrainConfig c = trainer.config();
        boolean bySteps = c.steps() > 0 && trainer.stepCount() >= c.steps();
        String option = bySteps ? "--steps" : "--time";
        String found = bySteps ? Long.toString(c.steps()) : c.timeBudgetSeconds() + " s";
        String done = bySteps ? trainer.stepCount() + " steps" : String.format(Locale.ROOT, "%.1f s of training",
                trainer.trainSeconds());
        String cause = parsed.hasMatchedOption(option)
                ? option + " counts from the start of the run, not on from where it stopped"
                : "the run is complete: give --steps above " + trainer.stepCount() + ", or a larger --time, to train"
                        + " it further";
        return new IllegalArgumentException(option + ": expected a total above the run's " + done + ", found " + found
                + (parsed.hasMatchedOption(option) ? "" : ", the run's own budget") + "; likely cause: " + cause);
    }

    /** Builds the settings of a new run from the options (defaults from {@link Defaults}). */
    private CharModelSettings settings(ParseResult parsed) {
        long stepBudget = parsed.hasMatchedOption("--time") && !parsed.hasMatchedOption("--steps") ? 0 : steps;
        CellKind cellKind = CellKind.fromId(cell.toLowerCase(Locale.ROOT));
        requirePositive("--layers", layers);
        requirePositive("--hidden", hidden);
        requirePositive("--embedding", embedding);
        requirePositive("--batch", batch);
        requirePositive("--seq", seq);
        CharLanguageModel.requireLength("--sample-length", sampleLength);
        try {
            OptimizerChoice choice = OptimizerChoice.of(optimizer, lr, momentum, weightDecay, beta1, beta2);
            ScheduleConfig sched = ScheduleConfig.of(ScheduleConfig.Kind.fromId(schedule), warmup,
                    parsed.hasMatchedOption("--min-lr") ? minLr : null, decayEvery,
                    parsed.hasMatchedOption("--decay-gamma") ? decayGamma : null, stepBudget);
            CharModelSettings.Builder b = CharModelSettings.builder();
            TrainConfig train = b.train().toBuilder().optimizer(choice).clipNorm(clip).schedule(sched)
                    .steps(stepBudget).timeBudgetSeconds(time == null ? 0 : time).evalEvery(evalEvery)
                    .checkpointEvery(checkpointEvery).seed(seed).threads(threads)
                    .onDivergence(OptionChecks.parsed("--on-divergence", () -> DivergencePolicy.fromId(onDivergence)))
                    .build();
            return b.cell(cellKind).layers(layers).hiddenSize(hidden).embeddingDim(embedding).dropout(dropout)
                    .batch(batch).seq(seq).train(train).build();
        } catch (IllegalArgumentException e) {
            throw OptionChecks.naming(SETTING_OPTIONS, e);
        }
    }

    private static void requirePositive(String option, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(option + ": expected a positive integer, found " + value);
        }
    }
}
