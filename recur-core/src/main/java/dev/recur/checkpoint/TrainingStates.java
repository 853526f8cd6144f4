package dev.recur.checkpoint;

import dev.recur.data.Position;
import dev.recur.io.MapFields;
import dev.recur.model.Model;
import dev.recur.nn.sequence.SequenceLayer;
import dev.recur.nn.sequence.State;
import dev.recur.optim.OptimizerState;
import dev.recur.tensor.Precision;
import dev.recur.train.TrainingState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one codec of a {@link TrainingState}: its arrays as the trainer file's tensors, its numbers as
 * the manifest's training section.
 *
 * <pre>
 * trainer-&lt;step&gt;.safetensors   carry.h [L*D, B, Hout], carry.c [L*D, B, H]   the state carried into the next batch
 *                              history.train_loss [steps]                    NaN at skipped steps
 *                              history.val_step, history.val_loss [n]        every validation
 *                              history.val.&lt;metric&gt; [n]                      each validation metric
 * checkpoint.json training     position {step, epoch, index, tokens}, rng {seed, random_state},
 *                              train_seconds, skipped, learning_rate_scale, last_validation, best
 * </pre>
 */
final class TrainingStates {

    /** The loss of every step. */
    static final String LOSS_HISTORY = "history.train_loss";
    private static final String VAL_STEP = "history.val_step";
    private static final String VAL_LOSS = "history.val_loss";
    private static final String VAL_METRIC = "history.val.";

    private TrainingStates() {
    }

    /**
     * The trainer file's tensors.
     *
     * @param state the state
     * @param model the model (the shape of the carried state comes from its recurrent stack)
     * @param <A>   the array type
     * @return the tensors
     */
    static <A> List<Checkpoint.Tensor> tensors(TrainingState<A> state, Model<A> model) {
        Precision<A> p = model.precision();
        List<Checkpoint.Tensor> out = new ArrayList<>();
        if (state.carry() != null) {
            double[] h = p.toDoubles(state.carry().h());
            out.add(new Checkpoint.Tensor("carry.h", carryShape(model, h.length, false), h));
            if (state.carry().c() != null) {
                double[] c = p.toDoubles(state.carry().c());
                out.add(new Checkpoint.Tensor("carry.c", carryShape(model, c.length, true), c));
            }
        }
        out.add(new Checkpoint.Tensor(LOSS_HISTORY, new int[] {(int) state.step()}, state.losses()));
        List<TrainingState.ValidationPoint> vs = state.validations();
        double[] steps = new double[vs.size()];
        double[] losses = new double[vs.size()];
        Map<String, double[]> metrics = new LinkedHashMap<>();
        for (int i = 0; i < vs.size(); i++) {
            steps[i] = vs.get(i).step();
            losses[i] = vs.get(i).loss();
            for (Map.Entry<String, Double> m : vs.get(i).metrics().entrySet()) {
                metrics.computeIfAbsent(m.getKey(), k -> new double[vs.size()])[i] = m.getValue();
            }
        }
        out.add(new Checkpoint.Tensor(VAL_STEP, new int[] {steps.length}, steps));
        out.add(new Checkpoint.Tensor(VAL_LOSS, new int[] {losses.length}, losses));
        metrics.forEach((name, v) -> out.add(new Checkpoint.Tensor(VAL_METRIC + name, new int[] {v.length}, v)));
        return out;
    }

    /** {@code [L*D, B, width]} of the model's one recurrent stack, else the flat length. */
    private static <A> int[] carryShape(Model<A> model, int length, boolean cell) {
        return SequenceLayer.of(model).map(r -> r.config().stateShape(1, cell))
                .filter(one -> length % (one[0] * one[2]) == 0)
                .map(one -> new int[] {one[0], length / (one[0] * one[2]), one[2]})
                .orElse(new int[] {length});
    }

    /**
     * The manifest's training section: the configuration parts given, then the state's numbers.
     *
     * @param state    the state
     * @param position the data position after {@code state.step()} batches
     * @param seed     the run's seed
     * @param base     the sections that describe the run ({@code config}, {@code loss}, {@code data})
     * @param <A>      the array type
     * @return a new map
     */
    static <A> Map<String, Object> section(TrainingState<A> state, Position position, long seed,
                                           Map<String, Object> base) {
        Map<String, Object> training = new LinkedHashMap<>(base);
        Map<String, Object> pos = new LinkedHashMap<>();
        pos.put("step", state.step());
        pos.put("epoch", position.epoch());
        pos.put("index", position.index());
        pos.put("tokens", state.tokens());
        training.put("position", pos);
        Map<String, Object> rng = new LinkedHashMap<>();
        rng.put("seed", seed);
        rng.put("random_state", new LinkedHashMap<>(new java.util.TreeMap<>(state.randomState())));
        training.put("rng", rng);
        training.put("train_seconds", state.trainSeconds());
        training.put("skipped", state.skipped());
        if (state.learningRateScale() != 1) {
            training.put("learning_rate_scale", state.learningRateScale());
        }
        List<TrainingState.ValidationPoint> vs = state.validations();
        if (!vs.isEmpty()) {
            TrainingState.ValidationPoint v = vs.get(vs.size() - 1);
            Map<String, Object> last = new LinkedHashMap<>();
            last.put("step", v.step());
            last.put("loss", v.loss());
            last.put("metrics", v.metrics());
            training.put("last_validation", last);
        }
        if (state.best() != null) {
            Map<String, Object> best = new LinkedHashMap<>();
            best.put("step", state.best().step());
            best.put("value", state.best().value());
            best.put("since", state.best().since());
            training.put("best", best);
        }
        return training;
    }

    /**
     * Reads a training state back from a checkpoint.
     *
     * @param restored the checkpoint's contents
     * @param <A>      the array type
     * @return the state
     * @throws IllegalArgumentException if a part is missing or does not fit the others (the caller
     *                                  reports it against the checkpoint)
     */
    static <A> TrainingState<A> decode(Checkpoint.Restored<A> restored) {
        Manifest m = restored.manifest();
        Map<String, Checkpoint.Tensor> t = restored.trainerTensors();
        MapFields training = new MapFields("training", m.training());
        MapFields pos = new MapFields("training.position", training.object("position"));
        long step = pos.longValue("step");
        if (step != m.step()) {
            throw new IllegalArgumentException("training.position.step " + step + " differs from step " + m.step());
        }
        OptimizerState optimizer = restored.optimizer();
        if (optimizer == null) {
            throw new IllegalArgumentException("no optimizer state");
        }
        MapFields rng = new MapFields("training.rng", training.object("rng"));
        Map<String, Long> random = new LinkedHashMap<>();
        Map<String, Object> rs = rng.object("random_state");
        MapFields rsf = new MapFields("training.rng.random_state", rs);
        for (String key : rs.keySet()) {
            random.put(key, rsf.longValue(key));
            if (random.get(key) < 0) {
                throw new IllegalArgumentException("training.rng.random_state." + key + ": expected >= 0, found "
                        + random.get(key));
            }
        }
        double[] history = tensor(t, LOSS_HISTORY);
        double[] vs = tensor(t, VAL_STEP);
        double[] vl = tensor(t, VAL_LOSS);
        if (vs.length != vl.length) {
            throw new IllegalArgumentException("the validation history has " + vs.length + " steps and " + vl.length
                    + " losses");
        }
        long skipped = training.has("skipped") ? training.longValue("skipped") : 0;
        long nan = Arrays.stream(history).filter(Double::isNaN).count();
        if (nan != skipped) {
            throw new IllegalArgumentException("the loss history has " + nan + " NaN entries for " + skipped
                    + " skipped steps");
        }
        Map<String, double[]> metrics = new LinkedHashMap<>();
        t.forEach((name, tensor) -> {
            if (name.startsWith(VAL_METRIC)) {
                metrics.put(name.substring(VAL_METRIC.length()), tensor.values());
            }
        });
        List<TrainingState.ValidationPoint> points = new ArrayList<>();
        for (int i = 0; i < vs.length; i++) {
            // a step of the run: whole, 1..step, after the validation before it
            if (vs[i] != Math.rint(vs[i]) || vs[i] < 1 || vs[i] > step || (i > 0 && vs[i] <= vs[i - 1])) {
                throw new IllegalArgumentException(VAL_STEP + "[" + i + "] = " + vs[i] + ": expected a step count "
                        + "of this run (1.." + step + "), after " + (i > 0 ? "the one before it (" + vs[i - 1] + ")"
                        : "none"));
            }
            Map<String, Double> at = new LinkedHashMap<>();
            for (Map.Entry<String, double[]> e : metrics.entrySet()) {
                if (e.getValue().length != vs.length) {
                    throw new IllegalArgumentException("the validation history has " + vs.length + " steps and "
                            + e.getValue().length + " values of " + e.getKey());
                }
                at.put(e.getKey(), e.getValue()[i]);
            }
            points.add(new TrainingState.ValidationPoint((long) vs[i], vl[i], at));
        }
        TrainingState.Best best = null;
        if (training.has("best")) {
            MapFields b = new MapFields("training.best", training.object("best"));
            best = new TrainingState.Best(b.longValue("step"), b.number("value"), b.integer("since"));
        }
        Precision<A> p = restored.model().precision();
        State<A> carry = null;
        if (t.containsKey("carry.h")) {
            Checkpoint.Tensor c = t.get("carry.c");
            carry = new State<>(p.fromDoubles(t.get("carry.h").values()), c == null ? null : p.fromDoubles(c.values()));
            int[] hs = carryShape(restored.model(), t.get("carry.h").values().length, false);
            if (!Arrays.equals(hs, t.get("carry.h").shape())
                    || (c != null && !Arrays.equals(carryShape(restored.model(), c.values().length, true), c.shape()))) {
                throw new IllegalArgumentException("the carried recurrent state does not fit [L*D, B, Hout] = "
                        + Arrays.toString(hs) + ": found carry.h " + Arrays.toString(t.get("carry.h").shape())
                        + (c != null ? ", carry.c " + Arrays.toString(c.shape()) : ", no carry.c"));
            }
        } else if (t.containsKey("carry.c")) {
            throw new IllegalArgumentException("the carried recurrent state: expected carry.h beside carry.c, found none");
        }
        double scale = training.has("learning_rate_scale") ? training.number("learning_rate_scale") : 1;
        return new TrainingState<>(step, pos.longValue("tokens"), training.number("train_seconds"), skipped, history,
                points, carry, random, optimizer, best, scale);
    }

    private static double[] tensor(Map<String, Checkpoint.Tensor> t, String name) {
        Checkpoint.Tensor x = t.get(name);
        return x == null ? new double[0] : x.values();
    }
}
