package dev.recur.cli;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.knowm.xchart.XYChart;

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
import dev.recur.tensor.Precision;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code recur experiment}: the long-time-lag experiments of the original LSTM paper (1997) in
 * their modern forms, for the LSTM, the GRU and the vanilla RNN with one set of hyper-parameters per
 * task (the LSTM's).
 *
 * <p>{@code adding}, {@code order} and {@code lag} train one cell and write one row per evaluation
 * to stdout (one JSON object per line with {@code --format json}, the last being the final
 * evaluation): {@code task}, {@code seq_len} or {@code lag}, {@code cell}, {@code seed},
 * {@code step}, {@code train_loss}, {@code test_loss} (MSE for adding, cross-entropy otherwise),
 * {@code test_accuracy} (classification), {@code elapsed_s}, {@code solved}, {@code final}.
 * {@code compare} runs several cells and seeds on one task and writes a markdown table, a CSV of
 * the learning curves and a learning-curve PNG.
 */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = "Long-time-lag experiments: adding problem, temporal order, lag recall; compare cells.",
        synopsisSubcommandLabel = "TASK",
        subcommands = {ExperimentCommand.Adding.class, ExperimentCommand.Order.class, ExperimentCommand.Lag.class,
            ExperimentCommand.Compare.class})
public final class ExperimentCommand extends RecurCommand {

    /** Creates the command. */
    public ExperimentCommand() {
    }

    @Override
    protected int execute(Output out) {
        throw new ParameterException(spec.commandLine(), "missing task: expected adding, order, lag or compare");
    }

    /** The options of a single run: the cell and the seed. */
    static final class RunOptions {
        @Option(names = "--cell", paramLabel = "lstm|gru|rnn", defaultValue = "lstm",
                description = "The cell: lstm, gru, rnn (tanh) or rnn_relu. Default: ${DEFAULT-VALUE}.")
        String cell;

        @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
                description = "Seed of the data and the initial weights. Default: ${DEFAULT-VALUE}.")
        long seed;
    }

    /** Runs one experiment and reports it. */
    static int runOne(Output out, Task task, RunOptions run, ExperimentOptions training) {
        CellKind cell = Experiments.cells(List.of(run.cell)).get(0);
        ExperimentConfig config = training.config(task);
        Precision<float[]> precision = training.precision();
        Experiment<float[]> e;
        try {
            e = Experiment.create(task, cell, config, run.seed, precision);   // checks the sizes first
        } catch (IllegalArgumentException x) {
            throw OptionChecks.naming(ExperimentOptions.SIZE_OPTIONS, x);
        }
        out.notice("%s", Experiments.describe(task, cell, config, run.seed, precision.toString()));
        ExperimentResult r = Experiments.run(out, e, true);
        out.notice("%s", Experiments.summary(r));
        return ExitCodes.OK;
    }

    /** {@code recur experiment adding}: the adding problem. */
    @Command(name = "adding", mixinStandardHelpOptions = true,
            description = {"The adding problem: two inputs per step (a value from U[0,1) and a marker); the target is "
                    + "the sum of the two marked values, one in each half of the sequence. Loss: MSE; a constant "
                    + "predictor scores about 0.167; solved below 0.01."})
    public static final class Adding extends RecurCommand {
        @Option(names = "--seq-len", paramLabel = "T", defaultValue = "100",
                description = "Sequence length. Default: ${DEFAULT-VALUE}.")
        int seqLen;

        @Mixin
        RunOptions run;

        @Mixin
        ExperimentOptions training;

        /** Creates the command. */
        public Adding() {
        }

        @Override
        protected int execute(Output out) {
            return runOne(out, new AddingProblem(seqLen), run, training);
        }
    }

    /** {@code recur experiment order}: the temporal order problem (experiment 6a). */
    @Command(name = "order", mixinStandardHelpOptions = true,
            description = {"Temporal order (the original LSTM paper, 1997, experiment 6a): sequences of 100 to 110 "
                    + "symbols with X or Y at one step in 10..20 and one in 50..60 among distractors; 4 classes "
                    + "(XX, XY, YX, YY). Loss: cross-entropy; solved at test accuracy >= 0.99 with test cross-entropy "
                    + "< ln(4/3)."})
    public static final class Order extends RecurCommand {
        @Mixin
        RunOptions run;

        @Mixin
        ExperimentOptions training;

        /** Creates the command. */
        public Order() {
        }

        @Override
        protected int execute(Output out) {
            return runOne(out, TemporalOrder.paper(), run, training);
        }
    }

    /** {@code recur experiment lag}: noise-free long-lag recall (experiment 2a). */
    @Command(name = "lag", mixinStandardHelpOptions = true,
            description = {"Lag recall (the original LSTM paper, 1997, experiment 2a): report the first symbol "
                    + "(x or y) after p steps of fixed distractors. Loss: cross-entropy; solved at test accuracy "
                    + ">= 0.99 with test cross-entropy < ln(4/3)."})
    public static final class Lag extends RecurCommand {
        @Option(names = "--lag", paramLabel = "P", defaultValue = "100",
                description = "The lag p: steps from the symbol to the answer. Default: ${DEFAULT-VALUE}.")
        int lag;

        @Mixin
        RunOptions run;

        @Mixin
        ExperimentOptions training;

        /** Creates the command. */
        public Lag() {
        }

        @Override
        protected int execute(Output out) {
            return runOne(out, LagRecall.of(lag), run, training);
        }
    }

    /** {@code recur experiment compare}: several cells and seeds on one task, with a table and a chart. */
    @Command(name = "compare", mixinStandardHelpOptions = true,
            description = {"Runs several cells (and seeds) on one task with the same hyper-parameters and writes "
                    + "results.md (a markdown table), curves.csv and learning-curves.png into --out."})
    public static final class Compare extends RecurCommand {
        @Parameters(index = "0", paramLabel = "TASK", description = "adding, order or lag.")
        String task;

        @Option(names = "--seq-len", paramLabel = "T", description = "Sequence length of the adding task (default 100).")
        Integer seqLen;

        @Option(names = "--lag", paramLabel = "P", description = "Lag of the lag task (default 100).")
        Integer lag;

        @Option(names = "--cells", paramLabel = "LIST", split = ",", defaultValue = "lstm,gru,rnn",
                description = "Cells to run, each once. Default: ${DEFAULT-VALUE}.")
        List<String> cells;

        @Option(names = "--seeds", paramLabel = "LIST", split = ",", defaultValue = "1",
                description = "Seeds to run each cell with, each once. Default: ${DEFAULT-VALUE}.")
        List<Long> seeds;

        @Option(names = "--out", paramLabel = "DIR",
                description = "Directory for the results (not a run folder). Default: compare-<task>[-<length>].")
        Path outDir;

        @Mixin
        ExperimentOptions training;

        /** Creates the command. */
        public Compare() {
        }

        @Override
        protected int execute(Output out) throws IOException {
            Task t = Experiments.task(task, seqLen, lag);
            List<CellKind> kinds = Experiments.cells(cells);
            Experiments.requireDistinct("--seeds", seeds);
            ExperimentConfig config = training.config(t);
            Precision<float[]> precision = training.precision();
            Path dir = outDir != null ? outDir : Path.of("compare-" + Experiments.slug(t));
            // everything that can be checked is checked before the first run trains
            for (CellKind cell : kinds) {
                ExperimentOptions.requireFits(t, cell, config);
            }
            Experiments.requireOutputFolder(dir);
            List<ExperimentResult> results = new ArrayList<>();
            for (long seed : seeds) {
                for (CellKind cell : kinds) {
                    out.notice("%s", Experiments.describe(t, cell, config, seed, precision.toString()));
                    Experiment<float[]> e = Experiment.create(t, cell, config, seed, precision);
                    ExperimentResult r = Experiments.run(out, e, true);
                    out.notice("%s", Experiments.summary(r));
                    results.add(r);
                }
            }
            String table = table(t, config, results);
            Path md = dir.resolve("results.md");
            Path csv = dir.resolve("curves.csv");
            Path png = dir.resolve("learning-curves.png");
            Experiments.write(md, table);
            Experiments.write(csv, curves(results));
            Experiments.write(png, chart(t, results));
            out.value("table", table);
            Map<String, Object> files = new LinkedHashMap<>();
            files.put("results", md.toString());
            files.put("curves", csv.toString());
            files.put("chart", png.toString());
            out.record(files);
            return ExitCodes.OK;
        }
    }

    /** The markdown results table of a comparison. */
    static String table(Task task, ExperimentConfig c, List<ExperimentResult> results) {
        boolean classification = task.objective() == Objective.CLASSIFICATION;
        String loss = Experiments.lossName(task);
        StringBuilder sb = new StringBuilder();
        sb.append("## ").append(task.describe()).append("\n\n");
        sb.append(String.format(Locale.ROOT, "Shared hyper-parameters (chosen for the LSTM): hidden size %d, batch %d, "
                        + "Adam with learning rate %s, gradient clipping at global norm %s, %s, %d steps; evaluation "
                        + "every %d steps on %d test sequences. Criterion: %s. Input-blind predictor: %s %.4f.%n%n",
                c.hiddenSize(), c.batchSize(), c.learningRate(), c.clipNorm(),
                c.chrono() ? "chrono initialisation of the gate biases" : "the cells' own initialisation",
                c.steps(), c.evalEvery(), c.testSize(), task.criterion(), loss, task.baselineLoss()));
        sb.append("| cell | seed | steps | final test ").append(loss).append(" | best test ").append(loss);
        if (classification) {
            sb.append(" | final test accuracy");
        }
        sb.append(" | solved at step | time (s) |\n");
        sb.append("|---|---:|---:|---:|---:|");
        if (classification) {
            sb.append("---:|");
        }
        sb.append("---:|---:|\n");
        for (ExperimentResult r : results) {
            Evaluation last = r.last();
            sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %.4g | %.4g", Experiments.cellName(r.cell()),
                    r.seed(), last.step(), last.testLoss(), r.bestTestLoss()));
            if (classification) {
                sb.append(String.format(Locale.ROOT, " | %.4f", last.testAccuracy()));
            }
            sb.append(String.format(Locale.ROOT, " | %s | %.1f |%n", r.solved() ? Long.toString(r.solvedAtStep()) : "-",
                    last.elapsedSeconds()));
        }
        sb.append('\n');
        // per cell: how many seeds solved the task
        Map<CellKind, int[]> solved = new LinkedHashMap<>();
        for (ExperimentResult r : results) {
            int[] n = solved.computeIfAbsent(r.cell(), k -> new int[2]);
            n[0] += r.solved() ? 1 : 0;
            n[1]++;
        }
        List<String> parts = new ArrayList<>();
        solved.forEach((k, n) -> parts.add(Experiments.cellName(k) + " " + n[0] + " of " + n[1]));
        sb.append("Solved (").append(task.criterion()).append("): ").append(String.join(", ", parts)).append(".\n");
        return sb.toString();
    }

    /** Every evaluation of every run as CSV. */
    static String curves(List<ExperimentResult> results) {
        StringBuilder sb = new StringBuilder("task,cell,seed,step,train_loss,test_loss,test_accuracy,elapsed_s\n");
        for (ExperimentResult r : results) {
            for (Evaluation e : r.evaluations()) {
                sb.append(Experiments.slug(r.task())).append(',').append(Experiments.cellName(r.cell())).append(',')
                        .append(r.seed()).append(',').append(e.step()).append(',')
                        .append(Experiments.csv(e.trainLoss())).append(',').append(Experiments.csv(e.testLoss()))
                        .append(',').append(Experiments.csv(e.testAccuracy())).append(',')
                        .append(Experiments.csv(e.elapsedSeconds())).append('\n');
            }
        }
        return sb.toString();
    }

    /** The learning curves: test loss (log scale) per run, and test accuracy below for classification. */
    static byte[] chart(Task task, List<ExperimentResult> results) throws IOException {
        List<ExperimentCharts.Line> loss = new ArrayList<>();
        List<ExperimentCharts.Line> accuracy = new ArrayList<>();
        List<Long> seeds = results.stream().map(ExperimentResult::seed).distinct().toList();
        boolean manySeeds = seeds.size() > 1;
        for (ExperimentResult r : results) {
            int style = seeds.indexOf(r.seed());
            int n = r.evaluations().size();
            double[] x = new double[n];
            double[] y = new double[n];
            double[] a = new double[n];
            for (int i = 0; i < n; i++) {
                Evaluation e = r.evaluations().get(i);
                x[i] = e.step();
                y[i] = e.testLoss();
                a[i] = e.testAccuracy();
            }
            String cell = Experiments.cellName(r.cell());
            String name = manySeeds ? cell + " seed " + r.seed() : cell;
            Color color = ExperimentCharts.cellColor(cell);
            loss.add(new ExperimentCharts.Line(name, x, y, style, color));
            accuracy.add(new ExperimentCharts.Line(name, x, a, style, color));
        }
        String title = task.describe();
        XYChart lossChart = ExperimentCharts.lineChart(title + ": test " + Experiments.lossName(task), "step",
                "test " + Experiments.lossName(task), true, loss, 900, 450);
        if (task.objective() != Objective.CLASSIFICATION) {
            return ExperimentCharts.stacked(List.of(lossChart), 900, 450);
        }
        XYChart accChart = ExperimentCharts.lineChart(title + ": test accuracy", "step", "test accuracy", false, accuracy, 900,
                450);
        return ExperimentCharts.stacked(List.of(lossChart, accChart), 900, 900);
    }
}
