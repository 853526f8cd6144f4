package dev.recur.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.recur.model.EvalResult;
import dev.recur.train.Trainer;
import dev.recur.train.TrainingEvents;
import dev.recur.train.TrainingListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code recur train} shows of a run: the progress bar and the training speed on stderr, a
 * line per validation on stdout (or a JSON row), the loss chart after every checkpoint, and the
 * summary at the end.
 */
final class TrainReport implements TrainingListener {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Output out;
    private final PrintWriter stdout;
    private final ProgressDisplay progress;
    private final Trainer<?> trainer;
    private final Path run;
    private final boolean bySteps;
    private final long stepDelayMs;
    private final long steps0;
    private final long tokens0;
    private final double seconds0;
    private boolean chartWritten;
    private boolean chartFailed;

    /**
     * A report of a run about to train.
     *
     * @param out         the command's output (notices, JSON or text)
     * @param stdout      where result lines go
     * @param progress    the progress bar
     * @param trainer     the trainer
     * @param run         the run folder
     * @param bySteps     whether the bar counts steps (else seconds of a time budget)
     * @param stepDelayMs testing: a sleep after every step (0 = none)
     */
    TrainReport(Output out, PrintWriter stdout, ProgressDisplay progress, Trainer<?> trainer, Path run,
                boolean bySteps, long stepDelayMs) {
        this.out = out;
        this.stdout = stdout;
        this.progress = progress;
        this.trainer = trainer;
        this.run = run;
        this.bySteps = bySteps;
        this.stepDelayMs = stepDelayMs;
        this.steps0 = trainer.stepCount();
        this.tokens0 = trainer.tokens();
        this.seconds0 = trainer.trainSeconds();
    }

    /** Characters trained on per second of training since this report began. */
    double charactersPerSecond() {
        double s = trainer.trainSeconds() - seconds0;
        return s > 0 ? (trainer.tokens() - tokens0) / s : 0;
    }

    @Override
    public void onStep(TrainingEvents.Step e) {
        progress.update(bySteps ? e.step() : (long) e.trainSeconds(),
                String.format(Locale.ROOT, "loss %.4f, %s chars/s", e.smoothedLoss(), human(charactersPerSecond())));
        if (stepDelayMs > 0) {
            try {
                Thread.sleep(stepDelayMs);
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

    /**
     * The summary once training ended: the speed (of this command's steps, and for a resumed run where
     * the run as a whole stands) on stderr; the run folder, its step and the loss curve on stdout.
     *
     * @param fresh whether the run started with this command (else it was resumed)
     */
    void done(boolean fresh) {
        double rate = charactersPerSecond();
        if (fresh) {
            out.notice("trained %,d steps (%,d characters) in %.1f s of training: %,.0f characters/s",
                    trainer.stepCount(), trainer.tokens(), trainer.trainSeconds(), rate);
        } else {
            out.notice("trained %,d more steps (%,d characters) in %.1f s of training: %,.0f characters/s; the run is"
                    + " at step %,d (%,d characters, %.1f s of training in all)", trainer.stepCount() - steps0,
                    trainer.tokens() - tokens0, trainer.trainSeconds() - seconds0, rate, trainer.stepCount(),
                    trainer.tokens(), trainer.trainSeconds());
        }
        if (trainer.skipped() > 0) {
            out.notice("warning: %,d of the run's %,d steps were skipped or undone by the divergence policy; their "
                    + "updates do not count", trainer.skipped(), trainer.stepCount());
        }
        EvalResult v = trainer.lastValidation();
        Path chart = run.resolve("loss.png");
        if (out.isJson()) {
            Map<String, Object> done = new LinkedHashMap<>();
            done.put("event", "done");
            done.put("run", run.toString());
            done.put("step", trainer.stepCount());
            done.put("tokens", trainer.tokens());
            done.put("skipped", trainer.skipped());
            done.put("train_seconds", round(trainer.trainSeconds(), 3));
            done.put("tokens_per_second", round(rate, 1));
            done.put("val_loss", v == null ? null : v.loss());
            done.put("val_bits_per_char", v == null ? null : v.bitsPerChar());
            done.put("loss_curve", chartWritten ? chart.toString() : null);
            out.row(done);
        } else {
            stdout.println("run: " + run + " (checkpoint at step " + trainer.stepCount() + ")");
            if (chartWritten) {
                stdout.println("loss curve: " + chart);
            }
            stdout.flush();
        }
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    private static String toJson(Map<String, Object> row) {
        try {
            return JSON.writeValueAsString(row);
        } catch (JsonProcessingException e) {
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
