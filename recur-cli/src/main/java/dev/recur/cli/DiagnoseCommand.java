package dev.recur.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.recur.diagnostics.Diagnosis;
import dev.recur.diagnostics.Diagnostics;
import dev.recur.diagnostics.GateTrace;
import dev.recur.diagnostics.GradientFlowReport;
import dev.recur.diagnostics.SaturationThresholds;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.tasks.Experiment;
import dev.recur.tasks.ExperimentConfig;
import dev.recur.tasks.ExperimentResult;
import dev.recur.tasks.Objective;
import dev.recur.tasks.Task;
import dev.recur.data.Batch;
import dev.recur.model.ModelCodecs;
import dev.recur.tensor.Precision;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code recur diagnose}: gradient flow through time and gate statistics of each cell, at
 * initialisation and after training on a long-lag task.
 *
 * <p>For each cell it sets up the task's experiment (same seed, so the same data for every cell),
 * diagnoses a float64 copy of the model on a probe batch, trains it in float32, and diagnoses it
 * again. Stdout gets one row per cell and phase ({@code init}, {@code trained}) with the ratios
 * {@code dh_ratio = ‖dL/dh_1‖ / ‖dL/dh_T‖}, {@code dx_ratio} (the same for the inputs) and, for the
 * LSTM, {@code dc_ratio}. {@code --out} gets {@code gradient-norms.csv}, {@code gate-stats.csv},
 * {@code gradient-norms-<phase>.png} (log-scale norm against the step, one line per cell),
 * {@code input-gradient-norms-<phase>.png} and {@code gates-<cell>-<phase>.png} (heat maps of each
 * gate's mean per unit and step).
 */
@Command(name = "diagnose", mixinStandardHelpOptions = true,
        description = {"Gradient flow (||dL/dh_t||, ||dL/dc_t||, ||dL/dx_t|| for every step) and gate statistics of "
                + "each cell at initialisation and after training on a long-lag task; writes CSV files and PNG "
                + "charts into --out and prints the ratios between the first and the last step."})
public final class DiagnoseCommand extends RecurCommand {

    @Option(names = "--task", paramLabel = "adding|order|lag", defaultValue = "lag",
            description = "The task to train on. Default: ${DEFAULT-VALUE}.")
    String task;

    @Option(names = "--seq-len", paramLabel = "T", description = "Sequence length of the adding task (default 100).")
    Integer seqLen;

    @Option(names = "--lag", paramLabel = "P", description = "Lag of the lag task (default 100).")
    Integer lag;

    @Option(names = "--cells", paramLabel = "LIST", split = ",", defaultValue = "lstm,gru,rnn",
            description = "Cells to diagnose, each once. Default: ${DEFAULT-VALUE}.")
    List<String> cells;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Seed of the data and the initial weights. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--probe-size", paramLabel = "N", defaultValue = "64",
            description = "Sequences the diagnostics average over, 1..65536. Default: ${DEFAULT-VALUE}.")
    int probeSize;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Directory for the CSV files and charts (not a run folder). "
                    + "Default: diagnose-<task>[-<length>].")
    Path outDir;

    @Mixin
    ExperimentOptions training;

    /** Creates the command. */
    public DiagnoseCommand() {
    }

    /** One diagnosis with where it was taken. */
    private record Phase(CellKind cell, String name, long step, double testLoss, double testAccuracy, Diagnosis d) {
    }

    @Override
    protected int execute(Output out) throws IOException {
        Task t = Experiments.task(task, seqLen, lag);
        List<CellKind> kinds = Experiments.cells(cells);
        if (probeSize < 1) {
            throw new IllegalArgumentException("--probe-size: expected >= 1 sequences, found " + probeSize
                    + "; likely cause: 0 or a negative size (the diagnostics average over at least one sequence)");
        }
        if (probeSize > ExperimentConfig.MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("--probe-size: expected 1.." + ExperimentConfig.MAX_BATCH_SIZE
                    + " sequences, found " + probeSize + "; likely cause: a probe too large to diagnose in memory");
        }
        if (training.steps != null && training.steps < 0) {
            throw new IllegalArgumentException("--steps: expected >= 0 (0 = diagnose at initialisation only), found "
                    + training.steps);
        }
        boolean train = training.steps == null || training.steps > 0;
        if (!train) {
            training.steps = null;   // --steps 0: diagnose at initialisation only
        }
        ExperimentConfig config = training.config(t);
        Precision<float[]> precision = training.precision();
        Path dir = outDir != null ? outDir : Path.of("diagnose-" + Experiments.slug(t));
        // everything that can be checked is checked before the first cell trains
        for (CellKind cell : kinds) {
            ExperimentOptions.requireFits(t, cell, config);
            Experiment.requireBatchFits(t, cell, config.hiddenSize(), "--probe-size", probeSize);
        }
        Experiments.requireOutputFolder(dir);
        List<Phase> phases = new ArrayList<>();
        for (CellKind cell : kinds) {
            out.notice("%s", Experiments.describe(t, cell, config, seed, precision.toString()));
            Experiment<float[]> e = Experiment.create(t, cell, config, seed, precision);
            Batch probe = e.probe(probeSize);
            phases.add(phase(out, e, "init", probe));
            if (train) {
                ExperimentResult r = Experiments.run(out, e, false);
                out.notice("%s", Experiments.summary(r));
                phases.add(phase(out, e, "trained", probe));
            }
        }
        Experiments.write(dir.resolve("gradient-norms.csv"), gradientCsv(phases));
        Experiments.write(dir.resolve("gate-stats.csv"), gateCsv(phases));
        List<String> files = new ArrayList<>(List.of("gradient-norms.csv", "gate-stats.csv"));
        for (String name : train ? List.of("init", "trained") : List.of("init")) {
            List<Phase> of = phases.stream().filter(p -> p.name().equals(name)).toList();
            Experiments.write(dir.resolve("gradient-norms-" + name + ".png"), gradientChart(t, name, of, false));
            Experiments.write(dir.resolve("input-gradient-norms-" + name + ".png"), gradientChart(t, name, of, true));
            files.add("gradient-norms-" + name + ".png");
            files.add("input-gradient-norms-" + name + ".png");
            for (Phase p : of) {
                if (!p.d().gates().gates().isEmpty()) {
                    String file = "gates-" + Experiments.cellName(p.cell()) + "-" + name + ".png";
                    Experiments.write(dir.resolve(file), gateChart(p));
                    files.add(file);
                }
            }
        }
        Map<String, Object> written = new LinkedHashMap<>();
        written.put("out", dir.toString());
        written.put("files", files);
        out.record(written);
        return ExitCodes.OK;
    }

    /** Diagnoses a float64 copy of the experiment's model now, and reports the ratios as a row. */
    private Phase phase(Output out, Experiment<float[]> e, String name, Batch probe) {
        double[] test = e.test();
        Diagnosis d = Diagnostics.diagnose(ModelCodecs.copy(e.model(), Precision.F64), e.task().objective().loss(), probe,
                SaturationThresholds.DEFAULT);
        GradientFlowReport g = d.gradients();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("task", e.task().name());
        Experiments.putSize(row, e.task());
        row.put("cell", Experiments.cellName(e.cell()));
        row.put("phase", name);
        row.put("step", e.step());
        row.put("test_loss", Experiments.number(test[0]));
        if (e.task().objective() == Objective.CLASSIFICATION) {
            row.put("test_accuracy", Experiments.number(test[1]));
        }
        row.put("probe_loss", Experiments.number(g.loss()));
        row.put("dh_ratio", ratio(g.hiddenRatio()));
        if (g.cellState() != null) {
            row.put("dc_ratio", ratio(g.cellRatio()));
        }
        row.put("dx_ratio", ratio(g.inputRatio()));
        row.put("dh_first", ratio(g.hidden()[0]));
        row.put("dh_last", ratio(g.lastHidden()));
        out.row(row);
        return new Phase(e.cell(), name, e.step(), test[0], test[1], d);
    }

    /** Ratios span hundreds of decades: 4 significant digits, scientific; null when not finite. */
    private static Double ratio(double v) {
        return Double.isFinite(v) ? Double.parseDouble(String.format(Locale.ROOT, "%.4e", v)) : null;
    }

    private static String gradientCsv(List<Phase> phases) {
        StringBuilder sb = new StringBuilder("cell,phase,t,dL_dh,dL_dc,dL_dx\n");
        for (Phase p : phases) {
            GradientFlowReport g = p.d().gradients();
            for (int t = 0; t < g.steps(); t++) {
                sb.append(Experiments.cellName(p.cell())).append(',').append(p.name()).append(',').append(t + 1)
                        .append(',').append(Experiments.csv(g.hidden()[t])).append(',')
                        .append(g.cellState() == null ? "" : Experiments.csv(g.cellState()[t])).append(',')
                        .append(Experiments.csv(g.input()[t])).append('\n');
            }
        }
        return sb.toString();
    }

    private static String gateCsv(List<Phase> phases) {
        SaturationThresholds th = SaturationThresholds.DEFAULT;
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "cell,phase,gate,t,mean,fraction_below_%s,fraction_above_%s%n", th.low(), th.high()));
        for (Phase p : phases) {
            for (GateTrace g : p.d().gates().gates()) {
                for (int t = 0; t < g.steps(); t++) {
                    sb.append(Experiments.cellName(p.cell())).append(',').append(p.name()).append(',').append(g.gate())
                            .append(',').append(t + 1).append(',').append(Experiments.csv(g.mean()[t])).append(',')
                            .append(Experiments.csv(g.fractionLow()[t])).append(',')
                            .append(Experiments.csv(g.fractionHigh()[t])).append('\n');
                }
            }
        }
        return sb.toString();
    }

    private static byte[] gradientChart(Task task, String phase, List<Phase> phases, boolean inputs) throws IOException {
        List<ExperimentCharts.Line> lines = new ArrayList<>();
        for (Phase p : phases) {
            GradientFlowReport g = p.d().gradients();
            double[] x = new double[g.steps()];
            for (int t = 0; t < x.length; t++) {
                x[t] = t + 1;
            }
            String cell = Experiments.cellName(p.cell());
            java.awt.Color color = ExperimentCharts.cellColor(cell);
            if (inputs) {
                lines.add(new ExperimentCharts.Line(cell + " ||dL/dx_t||", x, g.input(), 0, color));
            } else {
                lines.add(new ExperimentCharts.Line(cell + " ||dL/dh_t||", x, g.hidden(), 0, color));
                if (g.cellState() != null) {
                    lines.add(new ExperimentCharts.Line(cell + " ||dL/dc_t||", x, g.cellState(), 1, color));
                }
            }
        }
        String what = inputs ? "||dL/dx_t||" : "||dL/dh_t||";
        String title = task.describe() + ", " + (phase.equals("init") ? "at initialisation"
                : "after training (step " + phases.get(0).step() + ")") + ": " + what;
        return ExperimentCharts.lines(title, "step t", "gradient norm (log scale)", true, lines, 1000, 500);
    }

    private static byte[] gateChart(Phase p) throws IOException {
        List<ExperimentCharts.HeatMap> maps = new ArrayList<>();
        for (GateTrace g : p.d().gates().gates()) {
            int nt = g.steps();
            int nh = g.hiddenSize();
            double[][] values = new double[nh][nt];
            int[] columns = new int[nt];
            for (int t = 0; t < nt; t++) {
                columns[t] = t + 1;
                for (int j = 0; j < nh; j++) {
                    values[j][t] = g.unitMean(t, j);
                }
            }
            String title = String.format(Locale.ROOT, "%s %s gate, %s: mean %.3f, closed (<%.1f) %.0f%%, open (>%.1f) %.0f%%",
                    Experiments.cellName(p.cell()), g.gate(), p.name().equals("init") ? "at initialisation"
                            : "after " + p.step() + " steps",
                    mean(g.mean()), p.d().gates().thresholds().low(), 100 * mean(g.fractionLow()),
                    p.d().gates().thresholds().high(), 100 * mean(g.fractionHigh()));
            maps.add(new ExperimentCharts.HeatMap(title, values, columns, "step t", "unit"));
        }
        return ExperimentCharts.heatMaps(maps, 1000, 320);
    }

    private static double mean(double[] a) {
        double s = 0;
        int n = 0;
        for (double v : a) {
            if (Double.isFinite(v)) {
                s += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }
}
