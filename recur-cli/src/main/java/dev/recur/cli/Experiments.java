package dev.recur.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import dev.recur.io.AtomicFiles;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.tasks.AddingProblem;
import dev.recur.tasks.Evaluation;
import dev.recur.tasks.Experiment;
import dev.recur.tasks.ExperimentConfig;
import dev.recur.tasks.ExperimentResult;
import dev.recur.tasks.LagRecall;
import dev.recur.tasks.Objective;
import dev.recur.tasks.Task;
import dev.recur.tasks.TemporalOrder;

/**
 * What the {@code experiment} and {@code diagnose} commands share: naming tasks and cells, running
 * an experiment while reporting its evaluations, and writing result files.
 */
final class Experiments {

    private Experiments() {
    }

    /**
     * The task named {@code name} with its size.
     *
     * @param seqLen {@code --seq-len} (adding only), or null for 100
     * @param lag    {@code --lag} (lag only), or null for 100
     * @throws IllegalArgumentException for an unknown name or a size given to a task without one
     */
    static Task task(String name, Integer seqLen, Integer lag) {
        String n = name == null ? "" : name.toLowerCase(Locale.ROOT);
        if (seqLen != null && !n.equals("adding")) {
            throw new IllegalArgumentException("--seq-len: expected only with the adding task, found it with '" + name
                    + "'; likely cause: use --lag for the lag task (the order task has the paper's lengths 100 to 110)");
        }
        if (lag != null && !n.equals("lag")) {
            throw new IllegalArgumentException("--lag: expected only with the lag task, found it with '" + name + "'");
        }
        return switch (n) {
            case "adding" -> new AddingProblem(seqLen == null ? 100 : seqLen);
            case "order" -> TemporalOrder.paper();
            case "lag" -> LagRecall.of(lag == null ? 100 : lag);
            default -> throw new IllegalArgumentException("unknown task '" + name + "': expected adding, order or lag");
        };
    }

    /**
     * The cells named in {@code ids} (lstm, gru, rnn, rnn_tanh, rnn_relu).
     *
     * @throws IllegalArgumentException for an unknown name, none, or a cell named twice
     */
    static List<CellKind> cells(List<String> ids) {
        List<CellKind> out = new ArrayList<>();
        for (String id : ids) {
            CellKind k = CellKind.fromId(id.trim().toLowerCase(Locale.ROOT));
            if (out.contains(k)) {
                throw new IllegalArgumentException("--cells: expected each cell once, found " + cellName(k)
                        + " twice in " + String.join(",", ids) + "; likely cause: a repeated name (rnn and rnn_tanh "
                        + "are the same cell)");
            }
            out.add(k);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("--cells: expected at least one of lstm, gru, rnn, found none");
        }
        return out;
    }

    /**
     * Refuses a list option that names a value twice (its runs would be the same, and their results
     * collide in the table and the chart).
     *
     * @throws IllegalArgumentException naming the option and the repeated value
     */
    static void requireDistinct(String option, List<?> values) {
        for (int i = 0; i < values.size(); i++) {
            if (values.subList(0, i).contains(values.get(i))) {
                throw new IllegalArgumentException(option + ": expected each value once, found " + values.get(i)
                        + " twice in " + values.stream().map(String::valueOf).collect(Collectors.joining(","))
                        + "; likely cause: a repeated value");
            }
        }
    }

    /**
     * Checks, before any training, that the results can be written into {@code dir}: a folder (or one
     * that can be created) that is not a run folder.
     */
    static void requireOutputFolder(Path dir) throws IOException {
        OptionChecks.writableFolder("--out", dir);
        OptionChecks.notARunFolder("--out", dir, "a folder for the results");
    }

    /** The name recur shows for a cell: lstm, gru, rnn (for rnn_tanh) or rnn_relu. */
    static String cellName(CellKind cell) {
        return cell == CellKind.RNN_TANH ? "rnn" : cell.id();
    }

    /** The size fields of a task's rows: {@code seq_len} (adding) or {@code lag} (lag). */
    static void putSize(Map<String, Object> row, Task task) {
        if (task instanceof AddingProblem a) {
            row.put("seq_len", a.length());
        } else if (task instanceof LagRecall l) {
            row.put("lag", l.lag());
        }
    }

    /** A short name for files: {@code adding-100}, {@code order}, {@code lag-100}. */
    static String slug(Task task) {
        if (task instanceof AddingProblem a) {
            return "adding-" + a.length();
        } else if (task instanceof LagRecall l) {
            return "lag-" + l.lag();
        }
        return task.name();
    }

    /** The loss's name: MSE or cross-entropy. */
    static String lossName(Task task) {
        return task.objective() == Objective.REGRESSION ? "MSE" : "cross-entropy";
    }

    /** One evaluation as a row: task, size, cell, seed, then the metrics (accuracy for classification only). */
    static Map<String, Object> row(Task task, CellKind cell, long seed, Evaluation e) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("task", task.name());
        putSize(row, task);
        row.put("cell", cellName(cell));
        row.put("seed", seed);
        row.put("step", e.step());
        row.put("train_loss", number(e.trainLoss()));
        row.put("test_loss", number(e.testLoss()));
        if (task.objective() == Objective.CLASSIFICATION) {
            row.put("test_accuracy", number(e.testAccuracy()));
        }
        row.put("elapsed_s", Math.round(e.elapsedSeconds() * 10) / 10.0);
        if (e.skippedSteps() > 0) {
            row.put("skipped_steps", e.skippedSteps());
        }
        row.put("solved", e.solved());
        row.put("final", e.last());
        return row;
    }

    /** {@code v} to 6 significant digits; null when not finite (JSON has no NaN). */
    static Double number(double v) {
        if (!Double.isFinite(v)) {
            return null;
        }
        return v == 0 ? 0.0 : Double.parseDouble(String.format(Locale.ROOT, "%.6g", v));
    }

    /** One line describing a run's setup, for stderr. */
    static String describe(Task task, CellKind cell, ExperimentConfig c, long seed, String precision) {
        return String.format(Locale.ROOT, "%s: %s, hidden %d, batch %d, Adam lr %s, clip %s, %d steps "
                        + "(evaluated every %d on %d test sequences)%s, seed %d, %s; constant predictor %s %.4f; "
                        + "solved at %s",
                task.describe(), cellName(cell), c.hiddenSize(), c.batchSize(), c.learningRate(), c.clipNorm(),
                c.steps(), c.evalEvery(), c.testSize(), c.chrono() ? ", chrono init" : "", seed, precision,
                lossName(task), task.baselineLoss(), task.criterion());
    }

    /** One line on a finished run, for stderr. */
    static String summary(ExperimentResult r) {
        Evaluation last = r.last();
        String acc = r.task().objective() == Objective.CLASSIFICATION
                ? String.format(Locale.ROOT, ", accuracy %.4f", last.testAccuracy()) : "";
        return String.format(Locale.ROOT, "%s seed %d: %s; final test %s %.6g%s after %d steps, %.1f s",
                cellName(r.cell()), r.seed(),
                r.solved() ? "solved (" + r.task().criterion() + ") at step " + r.solvedAtStep() : "not solved",
                lossName(r.task()), last.testLoss(), acc, last.step(), last.elapsedSeconds());
    }

    /**
     * Runs an experiment, reporting each evaluation: as a row on stdout when {@code rows}, and as a
     * progress line on stderr when the rows do not already show it there (JSON output, or no rows).
     */
    static ExperimentResult run(Output out, Experiment<?> e, boolean rows) {
        boolean progress = out.isJson() || !rows;
        long total = e.config().steps();
        return e.run(ev -> {
            if (rows) {
                out.row(row(e.task(), e.cell(), e.seed(), ev));
            }
            if (progress) {
                String acc = e.task().objective() == Objective.CLASSIFICATION
                        ? String.format(Locale.ROOT, " test_accuracy=%.4f", ev.testAccuracy()) : "";
                out.progress("%s step %d/%d train_loss=%.5g test_loss=%.5g%s elapsed %.0f s", cellName(e.cell()),
                        ev.step(), total, ev.trainLoss(), ev.testLoss(), acc, ev.elapsedSeconds());
            }
        });
    }

    /** Writes text to {@code file} atomically, creating its directory. */
    static void write(Path file, String text) throws IOException {
        write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes bytes to {@code file} atomically, creating its directory. */
    static void write(Path file, byte[] bytes) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        AtomicFiles.writeBytes(file, bytes);
    }

    /** A number for a CSV cell: empty when not finite. */
    static String csv(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "";
    }
}
