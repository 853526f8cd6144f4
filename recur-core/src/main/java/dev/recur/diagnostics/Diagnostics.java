package dev.recur.diagnostics;

import dev.recur.nn.recurrent.CellCache;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.nn.recurrent.GruGate;
import dev.recur.nn.recurrent.LstmGate;
import dev.recur.nn.sequence.InputGradients;
import dev.recur.nn.sequence.RecurrentConfig;
import dev.recur.tasks.ManyToOneModel;
import dev.recur.tasks.ManyToOneOutput;
import dev.recur.tasks.TaskBatch;
import dev.recur.tensor.Kernels;
import dev.recur.tensor.Precision;
import java.util.ArrayList;
import java.util.List;

/**
 * Gradient-flow and gate diagnostics of a {@link ManyToOneModel} with one unidirectional recurrent
 * layer without projection.
 *
 * <h2>How {@code dL/dh_t} is obtained</h2>
 * One forward and one backward pass of the core's BPTT, then one matrix product: BPTT leaves the
 * gradients of every step's gate pre-activations {@code da_t} in the layer's
 * {@link CellCache#gateGrads} ({@link CellCache#hiddenGateGrads} for the GRU), and the state after
 * step {@code t} reaches the loss only through the readout (if the sequence is read at {@code t})
 * and through step {@code t+1}, so
 * <pre>
 * LSTM, RNN:  dL/dh_t = dOut_t + da_{t+1} W_hh
 * GRU:        dL/dh_t = dOut_t + da_{t+1} W_hh + z_{t+1} ⊙ dL/dh_{t+1}
 * LSTM:       dL/dc_t = f_{t+1} ⊙ dL/dc_{t+1} + dL/dh_t ⊙ o_t ⊙ (1 − tanh² c_t)
 * </pre>
 * with every {@code da_{t+1} W_hh} computed at once ({@code [T·B, G·H] · [G·H, H]}); a step past a
 * sequence's end passes its gradient through unchanged, as in the core. The result is exact (the
 * same quantities the core's BPTT carries from step to step), costs about one extra backward pass,
 * and needs no change to the core. {@code dL/dx_t} is the core's input gradient. The tests check
 * all of them against finite differences and against the initial-state gradient of the core run
 * from the state at step {@code t}.
 *
 * <p>The diagnostics run a backward pass: they leave the model's parameter gradients at zero.
 */
public final class Diagnostics {

    private Diagnostics() {
    }

    /**
     * Gradient flow and gate statistics on one batch, from one forward pass.
     *
     * @param model      the model (its parameter gradients are left at zero)
     * @param batch      the batch, e.g. {@code experiment.probe(64)}
     * @param thresholds when a gate counts as saturated
     * @throws IllegalArgumentException for a model with more than one layer, two directions or a
     *                                  projection, or a batch of another task
     */
    public static <A> Diagnosis diagnose(ManyToOneModel<A> model, TaskBatch batch, SaturationThresholds thresholds) {
        checkModel(model);
        ManyToOneOutput<A> out = model.forward(batch.sequences(model.precision()), false);
        GateStatistics gates = gates(model, out, batch, thresholds);
        GradientFlowReport flow = GradientFlowReport.of(stateGradients(model, out, batch));
        return new Diagnosis(flow, gates);
    }

    /**
     * The per-step gradient norms on one batch; see {@link GradientFlowReport}.
     *
     * @throws IllegalArgumentException as {@link #diagnose}
     */
    public static <A> GradientFlowReport gradientFlow(ManyToOneModel<A> model, TaskBatch batch) {
        return GradientFlowReport.of(stateGradients(model, batch));
    }

    /**
     * The exact gradients of every step's state and input on one batch; see {@link StateGradients}.
     *
     * @throws IllegalArgumentException as {@link #diagnose}
     */
    public static <A> StateGradients stateGradients(ManyToOneModel<A> model, TaskBatch batch) {
        checkModel(model);
        ManyToOneOutput<A> out = model.forward(batch.sequences(model.precision()), false);
        return stateGradients(model, out, batch);
    }

    /**
     * Gate means and saturation per step and unit on one batch; see {@link GateStatistics}.
     *
     * @throws IllegalArgumentException as {@link #diagnose}
     */
    public static <A> GateStatistics gates(ManyToOneModel<A> model, TaskBatch batch, SaturationThresholds thresholds) {
        checkModel(model);
        ManyToOneOutput<A> out = model.forward(batch.sequences(model.precision()), false);
        return gates(model, out, batch, thresholds);
    }

    private static void checkModel(ManyToOneModel<?> model) {
        if (model == null) {
            throw new IllegalArgumentException("diagnostics: expected a model, found null");
        }
        RecurrentConfig c = model.config().rnn();
        if (c.numLayers() != 1 || c.bidirectional() || c.projSize() != 0) {
            throw new IllegalArgumentException("diagnostics: expected one unidirectional layer without projection, "
                    + "found " + c.numLayers() + " layer(s), " + c.directions() + " direction(s), projection "
                    + c.projSize() + "; likely cause: a model built for another purpose than the long-lag experiments");
        }
    }

    private static <A> StateGradients stateGradients(ManyToOneModel<A> model, ManyToOneOutput<A> out, TaskBatch batch) {
        Precision<A> p = model.precision();
        Kernels<A> k = p.kernels();
        CellKind kind = model.config().rnn().cell();
        final int nt = out.steps();
        final int nb = out.batch();
        final int nh = model.config().rnn().hiddenSize();
        final int ni = model.config().rnn().inputSize();
        final int nk = model.config().outputs();
        final int ng = kind.gates() * nh;

        // the gradient of the sum of the sequences' own losses: B times that of their mean
        A dMean = k.alloc(nb * nk);
        double loss = model.loss(out, batch, dMean);
        double[] dPred = p.toDoubles(dMean);
        for (int i = 0; i < dPred.length; i++) {
            dPred[i] *= nb;
        }
        A dPredictions = p.fromDoubles(dPred);
        // the gate values, read before backward overwrites them with their gradients
        CellCache<A> cache = out.sequence().tape().cache(0, 0);
        double[] gates = p.toDoubles(cache.gateValues);
        InputGradients<A> g = model.backward(out, dPredictions);
        model.zeroGrad();

        // the readout's gradient, dOut at each sequence's read step: dPred · W_head   [B, H]
        double[] head = p.toDoubles(model.head().weight().value());
        double[] dRead = new double[nb * nh];
        for (int b = 0; b < nb; b++) {
            for (int c = 0; c < nk; c++) {
                double d = dPred[b * nk + c];
                for (int j = 0; j < nh; j++) {
                    dRead[b * nh + j] += d * head[c * nh + j];
                }
            }
        }

        // R = da W_hh for every step at once: [T·B, G·H] · [G·H, H]
        A r = k.alloc(nt * nb * nh);
        A da = kind == CellKind.GRU ? cache.hiddenGateGrads : cache.gateGrads;
        k.gemm(false, false, nt * nb, nh, ng, da, 0, ng, model.rnn().params(0, 0).weightHh().value(), 0, nh,
                false, r, 0, nh);
        double[] rec = p.toDoubles(r);
        double[] cells = kind == CellKind.LSTM ? p.toDoubles(cache.cells) : null;

        double[] dh = new double[nt * nb * nh];
        double[] dc = kind == CellKind.LSTM ? new double[nt * nb * nh] : null;
        double[] carryH = new double[nb * nh];
        double[] carryC = new double[nb * nh];
        int[] read = out.readSteps();
        int[] lengths = batch.lengths();
        final int oz = GruGate.UPDATE.offset(nh);
        final int of = LstmGate.FORGET.offset(nh);
        final int oo = LstmGate.OUTPUT.offset(nh);
        for (int t = nt - 1; t >= 0; t--) {
            for (int b = 0; b < nb; b++) {
                final boolean active = lengths == null || t < lengths[b];
                final int s = (t * nb + b) * nh;
                final int a = (t * nb + b) * ng;
                final int cs = ((t + 1) * nb + b) * nh;   // c_t lives in slot t+1
                for (int j = 0; j < nh; j++) {
                    double h = carryH[b * nh + j] + (active && read[b] == t ? dRead[b * nh + j] : 0);
                    dh[s + j] = h;
                    if (dc != null) {
                        double c = carryC[b * nh + j];
                        if (active) {
                            double tc = Math.tanh(cells[cs + j]);
                            c += h * gates[a + oo + j] * (1 - tc * tc);
                        }
                        dc[s + j] = c;
                    }
                }
                // the carries into step t−1
                for (int j = 0; j < nh; j++) {
                    if (!active) {
                        carryH[b * nh + j] = dh[s + j];
                        if (dc != null) {
                            carryC[b * nh + j] = dc[s + j];
                        }
                    } else if (kind == CellKind.GRU) {
                        carryH[b * nh + j] = gates[a + oz + j] * dh[s + j] + rec[s + j];
                    } else {
                        carryH[b * nh + j] = rec[s + j];
                        if (dc != null) {
                            carryC[b * nh + j] = gates[a + of + j] * dc[s + j];
                        }
                    }
                }
            }
        }
        return new StateGradients(kind, nt, nb, nh, ni, lengths == null ? null : lengths.clone(), loss, dh, dc,
                p.toDoubles(g.dx()), carryH, dc == null ? null : carryC);
    }

    private static <A> GateStatistics gates(ManyToOneModel<A> model, ManyToOneOutput<A> out, TaskBatch batch,
                                            SaturationThresholds thresholds) {
        if (thresholds == null) {
            throw new IllegalArgumentException("gate statistics: expected saturation thresholds, found null; "
                    + "likely cause: pass SaturationThresholds.DEFAULT");
        }
        CellKind kind = model.config().rnn().cell();
        final int nt = out.steps();
        final int nb = out.batch();
        final int nh = model.config().rnn().hiddenSize();
        final int ng = kind.gates() * nh;
        List<String> names = new ArrayList<>();
        List<Integer> offsets = new ArrayList<>();
        if (kind == CellKind.LSTM) {
            names.addAll(List.of("input", "forget", "output"));
            offsets.addAll(List.of(LstmGate.INPUT.offset(nh), LstmGate.FORGET.offset(nh), LstmGate.OUTPUT.offset(nh)));
        } else if (kind == CellKind.GRU) {
            names.addAll(List.of("reset", "update"));
            offsets.addAll(List.of(GruGate.RESET.offset(nh), GruGate.UPDATE.offset(nh)));
        }
        double[] values = names.isEmpty() ? null
                : model.precision().toDoubles(out.sequence().tape().cache(0, 0).gateValues);
        int[] lengths = batch.lengths();
        List<GateTrace> traces = new ArrayList<>();
        for (int gi = 0; gi < names.size(); gi++) {
            int off = offsets.get(gi);
            double[] mean = new double[nt];
            double[] low = new double[nt];
            double[] high = new double[nt];
            double[] units = new double[nt * nh];
            for (int t = 0; t < nt; t++) {
                int n = 0;
                for (int b = 0; b < nb; b++) {
                    if (lengths != null && t >= lengths[b]) {
                        continue;
                    }
                    n++;
                    int a = (t * nb + b) * ng + off;
                    for (int j = 0; j < nh; j++) {
                        double v = values[a + j];
                        units[t * nh + j] += v;
                        mean[t] += v;
                        if (v < thresholds.low()) {
                            low[t]++;
                        } else if (v > thresholds.high()) {
                            high[t]++;
                        }
                    }
                }
                double cells = (double) n * nh;
                mean[t] = n == 0 ? Double.NaN : mean[t] / cells;
                low[t] = n == 0 ? Double.NaN : low[t] / cells;
                high[t] = n == 0 ? Double.NaN : high[t] / cells;
                for (int j = 0; j < nh; j++) {
                    units[t * nh + j] = n == 0 ? Double.NaN : units[t * nh + j] / n;
                }
            }
            traces.add(new GateTrace(names.get(gi), mean, low, high, units, nh));
        }
        return new GateStatistics(kind, nt, nh, thresholds, traces);
    }
}
