package dev.recur.diagnostics;

import dev.recur.data.Batch;
import dev.recur.model.Model;
import dev.recur.nn.Activations;
import dev.recur.nn.loss.Loss;
import dev.recur.nn.recurrent.CellCache;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.nn.recurrent.GruGate;
import dev.recur.nn.recurrent.LstmGate;
import dev.recur.nn.sequence.RecurrentConfig;
import dev.recur.nn.sequence.SequenceLayer;
import dev.recur.tensor.Kernels;
import dev.recur.tensor.Precision;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Gradient-flow and gate diagnostics of any {@link Model} whose one recurrent stack
 * ({@link SequenceLayer}) has one unidirectional layer without projection.
 *
 * <h2>How {@code dL/dh_t} is obtained</h2>
 * One forward and one backward pass of the model, then one matrix product: the recurrent stack
 * receives the gradient of its output {@code dOut_t} from the layers above it
 * ({@link SequenceLayer#lastOutputGradient()}), and its BPTT leaves the gradients of every step's
 * gate pre-activations {@code da_t} in the layer's {@link CellCache#gateGrads}
 * ({@link CellCache#hiddenGateGrads} for the GRU); the state after step {@code t} reaches the loss
 * only through the output at {@code t} and through step {@code t+1}, so
 * <pre>
 * LSTM, RNN:  dL/dh_t = dOut_t + da_{t+1} W_hh
 * GRU:        dL/dh_t = dOut_t + da_{t+1} W_hh + z_{t+1} ⊙ dL/dh_{t+1}
 * LSTM:       dL/dc_t = f_{t+1} ⊙ dL/dc_{t+1} + dL/dh_t ⊙ o_t ⊙ (1 − tanh² c_t)
 * dL/dx_t   = da_t W_ih
 * </pre>
 * with every {@code da_{t+1} W_hh} computed at once ({@code [T·B, G·H] · [G·H, H]}); a step past a
 * sequence's end passes its gradient through unchanged, as in the core. The result is exact (the
 * same quantities the core's BPTT carries from step to step), costs about one extra backward pass,
 * and needs no change to the core. The tests check all of them against finite differences and
 * against the initial-state gradient of the core run from the state at step {@code t}.
 *
 * <p>The loss differentiated is the sum over the batch's sequences of their own loss ({@code B}
 * times the mean). The diagnostics run a backward pass in evaluation mode: they leave the model's
 * parameter gradients at zero and its mode as it was.
 *
 * <p>Stateless, but each call runs a forward and a backward pass through the model it is given: one
 * call per model at a time (a model is not thread-safe), and not while it trains.
 */
public final class Diagnostics {

    private Diagnostics() {
    }

    /**
     * Gradient flow and gate statistics on one batch, from one forward pass.
     *
     * @param model      the model (its parameter gradients are left at zero)
     * @param loss       the loss it is trained with
     * @param batch      the batch, with targets, e.g. {@code experiment.probe(64)}
     * @param thresholds when a gate counts as saturated
     * @param <A>        the array type
     * @return the diagnosis
     * @throws IllegalArgumentException for a model without exactly one recurrent stack of one
     *                                  unidirectional layer without projection, or a batch it cannot take
     */
    public static <A> Diagnosis diagnose(Model<A> model, Loss loss, Batch batch, SaturationThresholds thresholds) {
        Pass<A> pass = Pass.run(model, loss, batch);
        GateStatistics gates = gates(pass, thresholds);
        return new Diagnosis(GradientFlowReport.of(pass.stateGradients()), gates);
    }

    /**
     * The per-step gradient norms on one batch; see {@link GradientFlowReport}.
     *
     * @param model the model
     * @param loss  its loss
     * @param batch the batch
     * @param <A>   the array type
     * @return the report
     * @throws IllegalArgumentException as {@link #diagnose}
     */
    public static <A> GradientFlowReport gradientFlow(Model<A> model, Loss loss, Batch batch) {
        return GradientFlowReport.of(stateGradients(model, loss, batch));
    }

    /**
     * The exact gradients of every step's state and input on one batch; see {@link StateGradients}.
     *
     * @param model the model
     * @param loss  its loss
     * @param batch the batch
     * @param <A>   the array type
     * @return the gradients
     * @throws IllegalArgumentException as {@link #diagnose}
     */
    public static <A> StateGradients stateGradients(Model<A> model, Loss loss, Batch batch) {
        return Pass.run(model, loss, batch).stateGradients();
    }

    /**
     * Gate means and saturation per step and unit on one batch; see {@link GateStatistics}.
     *
     * @param model      the model
     * @param loss       its loss
     * @param batch      the batch
     * @param thresholds when a gate counts as saturated
     * @param <A>        the array type
     * @return the statistics
     * @throws IllegalArgumentException as {@link #diagnose}
     */
    public static <A> GateStatistics gates(Model<A> model, Loss loss, Batch batch, SaturationThresholds thresholds) {
        return gates(Pass.run(model, loss, batch), thresholds);
    }

    /**
     * The model's one recurrent stack, checked to be one unidirectional layer without projection.
     *
     * @param model the model
     * @return the stack
     * @throws IllegalArgumentException naming what was found
     */
    static <A> SequenceLayer<A> recurrentLayer(Model<A> model) {
        if (model == null) {
            throw new IllegalArgumentException("diagnostics: expected a model, found null");
        }
        @SuppressWarnings("rawtypes")
        Map<String, SequenceLayer<A>> rnns = model.modulesOf(SequenceLayer.class);
        if (rnns.size() != 1) {
            throw new IllegalArgumentException("diagnostics: expected a model with one recurrent stack, found "
                    + rnns.size());
        }
        SequenceLayer<A> rnn = rnns.values().iterator().next();
        RecurrentConfig c = rnn.config();
        if (c.numLayers() != 1 || c.bidirectional() || c.projSize() != 0) {
            throw new IllegalArgumentException("diagnostics: expected one unidirectional layer without projection, "
                    + "found " + c.numLayers() + " layer(s), " + c.directions() + " direction(s), projection "
                    + c.projSize() + "; likely cause: the gradient-flow view covers a model of one recurrent layer"
                    + " only");
        }
        return rnn;
    }

    /**
     * One forward and backward pass of a model, and what the diagnostics read from its recurrent
     * stack: the gate values (read before backward overwrites them), the upstream gradient of its
     * output, and its BPTT's gate gradients.
     */
    private record Pass<A>(SequenceLayer<A> rnn, Batch batch, double loss, double[] gates, double[] dOut,
                           CellCache<A> cache) {

        static <A> Pass<A> run(Model<A> model, Loss loss, Batch batch) {
            SequenceLayer<A> rnn = recurrentLayer(model);
            if (batch == null || batch.targets() == null) {
                throw new IllegalArgumentException("diagnostics: expected a batch with targets, found "
                        + (batch == null ? "none" : "one without"));
            }
            Precision<A> p = model.precision();
            return model.inEvaluation(() -> {
                Activations<A> out = model.forward(batch);
                // the gradient of the sum of the sequences' own losses: B times that of their mean
                A dMean = p.kernels().alloc(out.rows() * out.width());
                double value = loss.compute(p, out, batch.targets(), dMean).value();
                double[] dSum = p.toDoubles(dMean);
                for (int i = 0; i < dSum.length; i++) {
                    dSum[i] *= batch.batch();
                }
                CellCache<A> cache = rnn.lastTape().cache(0, 0);
                double[] gates = p.toDoubles(cache.gateValues);
                model.backward(out.with(p.fromDoubles(dSum), out.width()));
                double[] dOut = p.toDoubles(rnn.lastOutputGradient());
                model.zeroGrad();
                return new Pass<>(rnn, batch, value, gates, dOut, cache);
            });
        }

        StateGradients stateGradients() {
            Precision<A> p = rnn.precision();
            Kernels<A> k = p.kernels();
            CellKind kind = rnn.config().cell();
            final int nt = batch.steps();
            final int nb = batch.batch();
            final int nh = rnn.config().hiddenSize();
            final int ni = rnn.config().inputSize();
            final int ng = kind.gates() * nh;

            // R = da W_hh for every step at once: [T·B, G·H] · [G·H, H]
            A r = k.alloc(nt * nb * nh);
            A da = kind == CellKind.GRU ? cache.hiddenGateGrads : cache.gateGrads;
            k.gemm(false, false, nt * nb, nh, ng, da, 0, ng, rnn.params(0, 0).weightHh().value(), 0, nh,
                    false, r, 0, nh);
            double[] rec = p.toDoubles(r);
            // dX = da W_ih: [T·B, G·H] · [G·H, I] (the model's backward skips it when the input is data)
            A dx = k.alloc(nt * nb * ni);
            k.gemm(false, false, nt * nb, ni, ng, cache.gateGrads, 0, ng, rnn.params(0, 0).weightIh().value(), 0, ni,
                    false, dx, 0, ni);
            double[] cells = kind == CellKind.LSTM ? p.toDoubles(cache.cells) : null;

            double[] dh = new double[nt * nb * nh];
            double[] dc = kind == CellKind.LSTM ? new double[nt * nb * nh] : null;
            double[] carryH = new double[nb * nh];
            double[] carryC = new double[nb * nh];
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
                        double h = carryH[b * nh + j] + (active ? dOut[s + j] : 0);
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
                    p.toDoubles(dx), carryH, dc == null ? null : carryC);
        }
    }

    private static <A> GateStatistics gates(Pass<A> pass, SaturationThresholds thresholds) {
        if (thresholds == null) {
            throw new IllegalArgumentException("gate statistics: expected saturation thresholds, found null; "
                    + "likely cause: pass SaturationThresholds.DEFAULT");
        }
        CellKind kind = pass.rnn().config().cell();
        final int nt = pass.batch().steps();
        final int nb = pass.batch().batch();
        final int nh = pass.rnn().config().hiddenSize();
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
        double[] values = names.isEmpty() ? null : pass.gates();
        int[] lengths = pass.batch().lengths();
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
