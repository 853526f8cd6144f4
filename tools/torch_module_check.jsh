// Writes recur SequenceModels with the options no command line sets (token and numeric input
// together, padding index, proj_size, no biases, layer norm, an attention size of its own, a hidden
// layer of each activation, per-step output with lengths) for tools/torch_reload.py --check-modules:
// per case, DIR/<case>.safetensors (StateDicts.save) and DIR/<case>.json (model.config, the ragged
// inputs, and recur's float64 output on them in evaluation mode). Once torch_reload.py has written
// the PyTorch module's state_dict beside them (DIR/<case>.torch.safetensors), a second run loads that
// file with StateDicts.load into a model initialised from another seed and compares its output.
//
//   mkdir -p DIR && RECUR_CHECK_DIR=DIR jshell --class-path "recur-cli/target/recur-cli.jar:recur-cli/target/lib/*" \
//       tools/torch_module_check.jsh
import dev.recur.data.*;
import dev.recur.io.StateDicts;
import dev.recur.model.*;
import dev.recur.nn.*;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.tensor.Precision;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.*;
import java.util.*;

Path dir = Path.of(System.getenv("RECUR_CHECK_DIR"));

void write(String name, SequenceModelConfig c, long seed) throws Exception {
    SequenceModel<double[]> m = SequenceModel.create(c, Precision.F64, seed);
    SplittableRandom rng = new SplittableRandom(seed + 1);
    int[] lengths = {5, 2, 7, 1};
    List<Example> ex = new ArrayList<>();
    List<Object> tokens = new ArrayList<>(), features = new ArrayList<>();
    for (int len : lengths) {
        int[] t = null;
        double[] f = null;
        if (c.vocabSize() > 0) {
            t = new int[len];
            for (int i = 0; i < len; i++) t[i] = rng.nextInt(c.vocabSize());
            tokens.add(t);
        }
        if (c.features() > 0) {
            f = new double[len * c.features()];
            for (int i = 0; i < f.length; i++) f[i] = rng.nextDouble() * 4 - 2;
            features.add(f);
        }
        ex.add(new Example(t, f, c.features(), new Example.Label(0)));
    }
    Batch b = ExampleBatches.batch(ex);
    Activations<double[]> out = m.inEvaluation(() -> m.forward(b));
    Path fromTorch = dir.resolve(name + ".torch.safetensors");
    if (Files.exists(fromTorch)) {
        SequenceModel<double[]> r = SequenceModel.create(c, Precision.F64, seed + 100);
        StateDicts.load(r, fromTorch);
        double[] again = r.inEvaluation(() -> r.forward(b)).values();
        double worst = 0;
        for (int i = 0; i < again.length; i++) worst = Math.max(worst, Math.abs(again[i] - out.values()[i]));
        System.out.println(name + ": PyTorch's state_dict loaded by StateDicts.load, output max |difference| " + worst);
        return;
    }
    StateDicts.save(m, dir.resolve(name + ".safetensors"));
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("config", c.toMap());
    j.put("lengths", lengths);
    j.put("tokens", tokens);
    j.put("features", features);
    j.put("steps", out.steps());
    j.put("output", out.values());
    new ObjectMapper().writeValue(dir.resolve(name + ".json").toFile(), j);
    System.out.println(name + ": " + m);
}

write("tokens_features_biproj_norm_attention_relu", SequenceModelConfig.builder().tokens(11, 4).paddingIdx(0).features(3)
        .cell(CellKind.LSTM, 6).layers(2).bidirectional(true).projSize(3).layerNorm(true)
        .pooling(Pooling.Kind.ATTENTION).attentionSize(5).hidden(7, Activation.Kind.RELU).outputs(4).build(), 11);
write("features_gru_nobias_norm_max_sigmoid", SequenceModelConfig.builder().features(3).cell(CellKind.GRU, 5)
        .bias(false).layerNorm(true).pooling(Pooling.Kind.MAX).hidden(4, Activation.Kind.SIGMOID).outputs(2).build(), 12);
write("tokens_birnn_last_tanh", SequenceModelConfig.builder().tokens(9, 3).cell(CellKind.RNN_TANH, 4).layers(2)
        .bidirectional(true).pooling(Pooling.Kind.LAST).hidden(5, Activation.Kind.TANH).outputs(3).build(), 13);
write("features_bilstm_proj_nobias_mean", SequenceModelConfig.builder().features(2).cell(CellKind.LSTM, 5)
        .bidirectional(true).projSize(2).bias(false).pooling(Pooling.Kind.MEAN).outputs(3).build(), 14);
write("tokens_gru_per_step_norm", SequenceModelConfig.builder().tokens(8, 3).paddingIdx(0).cell(CellKind.GRU, 4)
        .layers(2).bidirectional(true).layerNorm(true).outputs(8).build(), 15);
/exit
