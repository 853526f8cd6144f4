package dev.recur.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.recur.data.TextCorpus;
import dev.recur.io.Checkpoint;
import dev.recur.model.TokenSampler;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.optim.AdamConfig;
import dev.recur.optim.RMSpropConfig;
import dev.recur.optim.SgdConfig;
import dev.recur.tensor.Precision;
import dev.recur.train.EvalResult;
import dev.recur.train.OptimizerChoice;
import dev.recur.train.ScheduleConfig;
import dev.recur.train.TrainConfig;
import dev.recur.train.Trainer;
import dev.recur.train.TrainedModel;
import dev.recur.train.TrainingDivergedException;
import dev.recur.train.TrainingEvents;
import dev.recur.train.TrainingListener;

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
 * writes a folder {@code runs/<start time>} with the checkpoint ({@link Checkpoint}) and the loss
 * curve {@code loss.png}, and ends by printing a short sample of generated text. {@code --resume}
 * continues a run exactly where its last checkpoint stopped.
 *
 * <p>The defaults of the training options come from {@link TrainConfig.Builder} (through
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

    /** The options that give the settings the core library's size checks name. */
    private static final Map<String, String> SIZE_OPTIONS = Map.of("hidden_size", "--hidden", "embedding_dim",
            "--embedding", "batch and seq", "--batch/--seq");

    /** The options that {@code --resume} may change (all others are the run's). */
    private static final List<String> RESUMABLE = List.of("--steps", "--time", "--eval-every", "--checkpoint-every",
            "--threads", "--corpus", "--runs-dir", "--resume", "--sample-length", "--temperature",
            "--test-step-delay-ms", "--test-pause-before-commit", "--format", "--quiet", "-q");

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

    /** Creates the command. */
    public TrainCommand() {
    }

    /**
     * The defaults of {@code recur train}'s options: those of {@link TrainConfig.Builder}, plus the
     * command line's own (dtype, runs folder, final sample).
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
            TrainConfig d = TrainConfig.builder().build();
            return switch (o.longestName()) {
                case "--cell" -> d.cell().id();
                case "--layers" -> Integer.toString(d.layers());
                case "--hidden" -> Integer.toString(d.hiddenSize());
                case "--embedding" -> Integer.toString(d.embeddingDim());
                case "--dropout" -> Double.toString(d.dropout());
                case "--optimizer" -> d.optimizer().name();
                case "--lr" -> Double.toString(d.optimizer().learningRate());
                case "--clip" -> Double.toString(d.clipNorm());
                case "--schedule" -> d.schedule().kind().id();
                case "--warmup" -> Long.toString(d.schedule().warmupSteps());
                case "--min-lr" -> Double.toString(d.schedule().minLr());
                case "--decay-gamma" -> "0.1";
                case "--batch" -> Integer.toString(d.batch());
                case "--seq" -> Integer.toString(d.seq());
                case "--steps" -> Long.toString(d.steps());
                case "--eval-every" -> Integer.toString(d.evalEvery());
                case "--checkpoint-every" -> Integer.toString(d.checkpointEvery());
                case "--seed" -> Long.toString(d.seed());
                case "--threads" -> Integer.toString(d.threads());
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
        return switch (resume != null ? resumedDtype() : dtype.toLowerCase(Locale.ROOT)) {
            case "float32" -> run(out, parsed, Precision.F32);
            case "float64" -> run(out, parsed, Precision.F64);
            default -> throw new IllegalArgumentException("--dtype: expected float32 or float64, found '" + dtype + "'");
        };
    }

    private Path resumeDirectory() throws IOException {
        return RunFolders.checkpoint(resume.isEmpty() ? null : Path.of(resume), runsDir, "--resume");
    }

    private String resumedDtype() throws IOException {
        return Checkpoint.readManifest(resumeDirectory()).dtype();
    }

    private <A> int run(Output out, ParseResult parsed, Precision<A> precision) throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        Trainer<A> trainer;
        TextCorpus text;
        Path run;
        boolean fresh = resume == null;
        if (resume != null) {
            run = resumeDirectory();
            Checkpoint.Manifest manifest = Checkpoint.readManifest(run);
            OptionChecks.writableFolder("--resume", run);
            TrainConfig saved = Trainer.savedConfig(manifest);
            TrainConfig.Builder b = saved.toBuilder();
            // a budget given replaces the run's own: --steps alone drops a saved time budget, --time
            // alone a saved step budget
            if (parsed.hasMatchedOption("--steps")) {
                b.steps(steps);
            } else if (parsed.hasMatchedOption("--time")) {
                b.steps(0);
            }
            if (parsed.hasMatchedOption("--time")) {
                b.timeBudgetSeconds(time);
            } else if (parsed.hasMatchedOption("--steps")) {
                b.timeBudgetSeconds(0);
            }
            if (parsed.hasMatchedOption("--eval-every")) {
                b.evalEvery(evalEvery);
            }
            if (parsed.hasMatchedOption("--checkpoint-every")) {
                b.checkpointEvery(checkpointEvery);
            }
            if (parsed.hasMatchedOption("--threads")) {
                b.threads(threads);
            }
            TrainConfig config = b.build();
            text = corpus != null ? RunFolders.corpus(corpus)
                    : RunFolders.recordedCorpus(manifest.provenance().corpusSource());
            trainer = Trainer.resume(run, config, precision, text);
            // after resume, so that a damaged checkpoint is reported first
            if (trainer.budgetReached()) {
                throw spentBudget(trainer, parsed);
            }
            out.notice("resuming %s at step %d (%s)", run, trainer.stepCount(), RunFolders.describe(text));
        } else {
            TrainConfig config = config(parsed);
            OptionChecks.writableFolder("--runs-dir", runsDir);
            OptionChecks.notARunFolder("--runs-dir", runsDir, "the folder of the run folders");
            text = RunFolders.corpus(corpus);
            try {
                trainer = Trainer.create(config, precision, text);
            } catch (IllegalArgumentException e) {
                throw OptionChecks.naming(SIZE_OPTIONS, e);   // the logits, [T, B, V], once V is known
            }
            run = RunFolders.create(runsDir, runName);
        }
        TrainConfig c = trainer.config();
        out.notice("corpus %s: %,d characters, %d distinct; %,d train, %,d validation", RunFolders.describe(text),
                text.length(), trainer.vocabulary().size(), trainer.trainCharacters(), trainer.validationCharacters());
        out.notice("model: %d-layer %s, hidden %d, embedding %d, dropout %s: %,d parameters, %s", c.layers(),
                c.cell().id(), c.hiddenSize(), c.embeddingDim(), c.dropout(), trainer.parameterCount(),
                trainer.precision());
        out.notice("training: %s lr %s, %s schedule, clip %s, batch %d x seq %d, %s; validation every %d steps",
                c.optimizer().name(), c.optimizer().learningRate(), c.schedule().kind().id(), c.clipNorm(), c.batch(),
                c.seq(), budget(c), c.evalEvery());
        out.notice("run folder: %s", run);

        boolean bar = !isQuiet();
        boolean bySteps = c.steps() > 0;
        long max = bySteps ? c.steps() : (long) Math.ceil(c.timeBudgetSeconds());
        long start = bySteps ? trainer.stepCount() : (long) trainer.trainSeconds();
        long steps0 = trainer.stepCount();
        long tokens0 = trainer.tokens();
        double seconds0 = trainer.trainSeconds();
        Listener listener;
        TrainingDivergedException diverged = null;
        try (ProgressDisplay progress = new ProgressDisplay(stderr, bar, "train", max, start,
                bySteps ? " steps" : " s")) {
            listener = new Listener(out, stdout, progress, trainer, run, bySteps);
            trainer.checkpointInto(run, this::beforeCommit);
            try {
                trainer.train(listener);
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
        EvalResult v = trainer.lastValidation();
        double rate = listener.charactersPerSecond();
        if (fresh) {
            out.notice("trained %,d steps (%,d characters) in %.1f s of training: %,.0f characters/s",
                    trainer.stepCount(), trainer.tokens(), trainer.trainSeconds(), rate);
        } else {
            // a resumed run: what this run of the command did, then where the run as a whole stands
            out.notice("trained %,d more steps (%,d characters) in %.1f s of training: %,.0f characters/s; the run is"
                    + " at step %,d (%,d characters, %.1f s of training in all)", trainer.stepCount() - steps0,
                    trainer.tokens() - tokens0, trainer.trainSeconds() - seconds0, rate, trainer.stepCount(),
                    trainer.tokens(), trainer.trainSeconds());
        }
        Path chart = run.resolve("loss.png");
        if (out.isJson()) {
            Map<String, Object> done = new LinkedHashMap<>();
            done.put("event", "done");
            done.put("run", run.toString());
            done.put("step", trainer.stepCount());
            done.put("tokens", trainer.tokens());
            done.put("train_seconds", round(trainer.trainSeconds(), 3));
            done.put("tokens_per_second", round(rate, 1));
            done.put("val_loss", v == null ? null : v.loss());
            done.put("val_bits_per_char", v == null ? null : v.bitsPerChar());
            done.put("loss_curve", listener.chartWritten ? chart.toString() : null);
            out.row(done);
        } else {
            stdout.println("run: " + run + " (checkpoint at step " + trainer.stepCount() + ")");
            if (listener.chartWritten) {
                stdout.println("loss curve: " + chart);
            }
            stdout.flush();
        }
        if (sampleLength > 0) {
            TrainedModel<A> model = trainer.trainedModel();
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
                model.generate(prime, sampleLength, sampler, ch -> {
                    stdout.print(ch);
                    stdout.flush();
                });
                stdout.println();
                stdout.flush();
            }
        }
        return ExitCodes.OK;
    }

    /** Deletes a new run folder that never got a checkpoint (so that a failed run leaves nothing behind). */
    private static void removeIfEmpty(boolean fresh, Path run) {
        if (!fresh || java.nio.file.Files.exists(run.resolve(Checkpoint.MANIFEST))) {
            return;
        }
        try (var files = java.nio.file.Files.list(run)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                java.nio.file.Files.deleteIfExists(p);
            }
            java.nio.file.Files.deleteIfExists(run);
        } catch (IOException e) {
            // best effort: an empty or partial run folder is ignored by every command
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

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    /** The testing hook: stalls inside the chosen checkpoint write, so that a test can kill the process there. */
    private void beforeCommit(Path dir, long step) {
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

    /** Builds the configuration of a new run from the options (defaults from {@link Defaults}). */
    private TrainConfig config(ParseResult parsed) {
        String opt = OptimizerChoice.parseName(optimizer);
        boolean adam = opt.equals("adam") || opt.equals("adamw");
        if (momentum != null && adam) {
            throw new IllegalArgumentException("--momentum: applies to sgd and rmsprop only, found --optimizer " + opt);
        }
        if ((beta1 != null || beta2 != null) && !adam) {
            throw new IllegalArgumentException("--beta1/--beta2: apply to adam and adamw only, found --optimizer "
                    + opt);
        }
        OptimizerChoice choice = switch (opt) {
            case "sgd" -> {
                SgdConfig.Builder b = SgdConfig.builder(lr);
                if (momentum != null) {
                    b.momentum(momentum);
                }
                if (weightDecay != null) {
                    b.weightDecay(weightDecay);
                }
                yield new OptimizerChoice.SgdChoice(b.build());
            }
            case "rmsprop" -> {
                RMSpropConfig.Builder b = RMSpropConfig.builder().lr(lr);
                if (momentum != null) {
                    b.momentum(momentum);
                }
                if (weightDecay != null) {
                    b.weightDecay(weightDecay);
                }
                yield new OptimizerChoice.RMSpropChoice(b.build());
            }
            default -> {
                AdamConfig.Builder b = opt.equals("adam") ? AdamConfig.adam() : AdamConfig.adamW();
                b.lr(lr);
                if (beta1 != null) {
                    b.beta1(beta1);
                }
                if (beta2 != null) {
                    b.beta2(beta2);
                }
                if (weightDecay != null) {
                    b.weightDecay(weightDecay);
                }
                yield opt.equals("adam") ? new OptimizerChoice.AdamChoice(b.build())
                        : new OptimizerChoice.AdamWChoice(b.build());
            }
        };
        long stepBudget = parsed.hasMatchedOption("--time") && !parsed.hasMatchedOption("--steps") ? 0 : steps;
        ScheduleConfig.Kind kind = ScheduleConfig.Kind.fromId(schedule);
        if (warmup < 0) {
            throw new IllegalArgumentException("--warmup: expected >= 0 steps, found " + warmup);
        }
        if (kind != ScheduleConfig.Kind.COSINE && parsed.hasMatchedOption("--min-lr")) {
            throw new IllegalArgumentException("--min-lr: applies to --schedule cosine only, found --schedule "
                    + kind.id() + "; likely cause: an option of another schedule (it would be ignored)");
        }
        if (kind != ScheduleConfig.Kind.STEP
                && (parsed.hasMatchedOption("--decay-every") || parsed.hasMatchedOption("--decay-gamma"))) {
            throw new IllegalArgumentException("--decay-every/--decay-gamma: apply to --schedule step only, found "
                    + "--schedule " + kind.id() + "; likely cause: an option of another schedule (it would be ignored)");
        }
        ScheduleConfig sched = switch (kind) {
            case CONSTANT -> new ScheduleConfig(kind, warmup, 0, 0, 0, 1);
            case COSINE -> {
                if (stepBudget == 0) {
                    throw new IllegalArgumentException("--schedule cosine: needs a step budget (--steps) to decay over");
                }
                if (stepBudget <= warmup) {
                    throw new IllegalArgumentException("--schedule cosine: expected --warmup below --steps ("
                            + stepBudget + "), found " + warmup);
                }
                yield new ScheduleConfig(kind, warmup, minLr, stepBudget - warmup, 0, 1);
            }
            case STEP -> {
                if (decayEvery == null) {
                    throw new IllegalArgumentException("--schedule step: needs --decay-every STEPS");
                }
                yield new ScheduleConfig(kind, warmup, 0, 0, decayEvery, decayGamma);
            }
        };
        CellKind cellKind = CellKind.fromId(cell.toLowerCase(Locale.ROOT));
        requirePositive("--layers", layers);
        requirePositive("--hidden", hidden);
        requirePositive("--embedding", embedding);
        requirePositive("--batch", batch);
        requirePositive("--seq", seq);
        if (sampleLength < 0) {
            throw new IllegalArgumentException("--sample-length: expected >= 0, found " + sampleLength);
        }
        try {
            return TrainConfig.builder().cell(cellKind).layers(layers).hiddenSize(hidden).embeddingDim(embedding)
                    .dropout(dropout).optimizer(choice).clipNorm(clip).schedule(sched).batch(batch).seq(seq)
                    .steps(stepBudget).timeBudgetSeconds(time == null ? 0 : time).evalEvery(evalEvery)
                    .checkpointEvery(checkpointEvery).seed(seed).threads(threads).build();
        } catch (IllegalArgumentException e) {
            throw OptionChecks.naming(SIZE_OPTIONS, e);
        }
    }

    private static void requirePositive(String option, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(option + ": expected a positive integer, found " + value);
        }
    }

    /** Turns training events into the progress bar, result lines and the loss chart. */
    private final class Listener implements TrainingListener {
        private final Output out;
        private final PrintWriter stdout;
        private final ProgressDisplay progress;
        private final Trainer<?> trainer;
        private final Path run;
        private final boolean bySteps;
        private final long tokens0;
        private final double seconds0;
        private boolean chartWritten;
        private boolean chartFailed;

        Listener(Output out, PrintWriter stdout, ProgressDisplay progress, Trainer<?> trainer, Path run,
                 boolean bySteps) {
            this.out = out;
            this.stdout = stdout;
            this.progress = progress;
            this.trainer = trainer;
            this.run = run;
            this.bySteps = bySteps;
            this.tokens0 = trainer.tokens();
            this.seconds0 = trainer.trainSeconds();
        }

        double charactersPerSecond() {
            double s = trainer.trainSeconds() - seconds0;
            return s > 0 ? (trainer.tokens() - tokens0) / s : 0;
        }

        @Override
        public void onStep(TrainingEvents.Step e) {
            progress.update(bySteps ? e.step() : (long) e.trainSeconds(),
                    String.format(Locale.ROOT, "loss %.4f, %s chars/s", e.smoothedLoss(),
                            human(charactersPerSecond())));
            if (testStepDelayMs > 0) {
                try {
                    Thread.sleep(testStepDelayMs);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public void onValidation(TrainingEvents.Validation e) {
            EvalResult r = e.result();
            if (out.isJson()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("event", "validation");
                row.put("step", e.step());
                row.put("val_loss", r.loss());
                row.put("val_bits_per_char", r.bitsPerChar());
                row.put("train_loss", Double.isNaN(e.smoothedLoss()) ? null : e.smoothedLoss());
                row.put("tokens", e.tokens());
                row.put("train_seconds", round(e.trainSeconds(), 3));
                progress.println(stdout, toJson(row));
            } else {
                progress.println(stdout, String.format(Locale.ROOT,
                        "val loss %.4f nats/char (%.4f bits/char) at step %d", r.loss(), r.bitsPerChar(), e.step()));
            }
        }

        @Override
        public void onCheckpoint(TrainingEvents.Saved e) {
            if (chartFailed) {
                return;
            }
            try {
                LossChart.write(run.resolve("loss.png"), "recur train " + run.getFileName(),
                        trainer.trainLossHistory(), trainer.validationHistory());
                chartWritten = true;
            } catch (IOException | RuntimeException | LinkageError | InternalError ex) {
                chartFailed = true;
                progress.notice("warning: the loss curve could not be drawn (" + ex.getClass().getSimpleName()
                        + (ex.getMessage() == null ? "" : ": " + CliErrors.oneLine(ex.getMessage()))
                        + "); training goes on");
            }
        }
    }

    private static String toJson(Map<String, Object> row) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(row);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** E.g. {@code 31.2k}. */
    static String human(double v) {
        if (v >= 1e6) {
            return String.format(Locale.ROOT, "%.2fM", v / 1e6);
        }
        if (v >= 1e3) {
            return String.format(Locale.ROOT, "%.1fk", v / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", v);
    }
}
