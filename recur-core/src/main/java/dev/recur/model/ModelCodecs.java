package dev.recur.model;

import dev.recur.nn.Parameter;
import dev.recur.tensor.Precision;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The registry of {@link ModelCodec}s: one per model type. {@link SequenceModel} is registered from
 * the start; a custom model type is registered once, before its checkpoints are saved or loaded.
 * Thread-safe.
 */
public final class ModelCodecs {

    /** The type of {@link SequenceModel}. */
    public static final String SEQUENCE_MODEL = "sequence_model";

    private static final List<ModelCodec> CODECS = new CopyOnWriteArrayList<>(List.of(new SequenceModelCodec()));

    private ModelCodecs() {
    }

    /**
     * Adds a codec.
     *
     * @param codec the codec
     * @throws IllegalArgumentException if its type is registered already
     */
    public static void register(ModelCodec codec) {
        Objects.requireNonNull(codec, "codec");
        synchronized (CODECS) {
            for (ModelCodec c : CODECS) {
                if (c.type().equals(codec.type())) {
                    throw new IllegalArgumentException("model codec: expected a new type, found '" + codec.type()
                            + "' registered already");
                }
            }
            CODECS.add(codec);
        }
    }

    /**
     * The codec of a model type.
     *
     * @param type the type name
     * @return the codec
     * @throws IllegalArgumentException naming the registered types if there is none
     */
    public static ModelCodec forType(String type) {
        return find(type).orElseThrow(() -> new IllegalArgumentException("model type: expected one of " + types() + ", found '" + type
                + "'; likely cause: a checkpoint of a custom model whose codec is not registered"));
    }

    /**
     * The codec of a model type, if one is registered.
     *
     * @param type the type name
     * @return the codec, or empty
     */
    public static Optional<ModelCodec> find(String type) {
        return CODECS.stream().filter(c -> c.type().equals(type)).findFirst();
    }

    /**
     * The codec that describes a model.
     *
     * @param model the model
     * @return the codec
     * @throws IllegalArgumentException if none does
     */
    public static ModelCodec forModel(Model<?> model) {
        for (ModelCodec c : CODECS) {
            if (c.handles(model)) {
                return c;
            }
        }
        throw new IllegalArgumentException("model: expected a model type with a registered codec (" + types()
                + "), found " + model.getClass().getName() + "; likely cause: a custom model whose codec is not "
                + "registered (ModelCodecs.register)");
    }

    private static String types() {
        return String.join(", ", CODECS.stream().map(ModelCodec::type).toList());
    }

    /**
     * A copy of a model in another precision (values rounded to nearest for float32), built by its
     * codec and filled by name; in evaluation mode.
     *
     * @param model  the model
     * @param target the precision of the copy
     * @param <A>    the model's array type
     * @param <B>    the copy's array type
     * @return the copy
     */
    public static <A, B> Model<B> copy(Model<A> model, Precision<B> target) {
        ModelCodec codec = forModel(model);
        Model<B> copy = codec.create(codec.config(model), target, 0);
        Map<String, Parameter<B>> to = copy.namedParameters();
        model.namedParameters().forEach((name, p) -> {
            B values = target.fromDoubles(model.precision().toDoubles(p.value()));
            target.kernels().copy(values, 0, to.get(name).value(), 0, p.size());
        });
        copy.setTraining(false);
        return copy;
    }

    /** The codec of {@link SequenceModel}: its configuration is {@link SequenceModelConfig#toMap()}. */
    private static final class SequenceModelCodec implements ModelCodec {
        @Override
        public String type() {
            return SEQUENCE_MODEL;
        }

        @Override
        public boolean handles(Model<?> model) {
            return model instanceof SequenceModel;
        }

        @Override
        public Map<String, Object> config(Model<?> model) {
            return ((SequenceModel<?>) model).config().toMap();
        }

        @Override
        public <A> Model<A> create(Map<String, ?> config, Precision<A> precision, long seed) {
            return SequenceModel.create(SequenceModelConfig.fromMap(config), precision, seed);
        }

        @Override
        public long parameterCount(Map<String, ?> config) {
            return SequenceModelConfig.fromMap(config).parameterCount();
        }

        @Override
        public void checkPreprocessing(Map<String, ?> config, Preprocessing preprocessing) {
            SequenceModelConfig.fromMap(config).checkPreprocessing(preprocessing);
        }
    }
}
