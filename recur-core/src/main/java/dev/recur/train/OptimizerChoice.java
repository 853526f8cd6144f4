package dev.recur.train;

import dev.recur.nn.Parameter;
import dev.recur.optim.Adam;
import dev.recur.optim.AdamConfig;
import dev.recur.optim.AdamW;
import dev.recur.optim.Optimizer;
import dev.recur.optim.RMSprop;
import dev.recur.optim.RMSpropConfig;
import dev.recur.optim.Sgd;
import dev.recur.optim.SgdConfig;
import dev.recur.tensor.Precision;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which optimizer trains the model, with its hyper-parameters: one of PyTorch's SGD, Adam, AdamW
 * and RMSprop ({@link dev.recur.optim}), each holding its own validated configuration record, whose
 * builder holds the defaults.
 *
 * <p>The choices are immutable and thread-safe.
 */
public sealed interface OptimizerChoice {

    /**
     * The optimizer's name: {@code sgd}, {@code adam}, {@code adamw} or {@code rmsprop} (as in
     * {@link dev.recur.optim.OptimizerState#optimizer()}).
     *
     * @return the name
     */
    String name();

    /**
     * The hyper-parameters: an {@link SgdConfig}, {@link AdamConfig} or {@link RMSpropConfig}.
     *
     * @return the configuration record
     */
    Record config();

    /**
     * The base learning rate (before any schedule).
     *
     * @return the learning rate
     */
    double learningRate();

    /**
     * Creates the optimizer over the given parameters.
     *
     * @param precision the precision of the parameters
     * @param params    the parameters under their names
     * @param <A>       the array type
     * @return a fresh optimizer (step count 0)
     */
    <A> Optimizer<A> create(Precision<A> precision, Map<String, Parameter<A>> params);

    /**
     * The hyper-parameters as JSON-compatible values, with {@code name} first.
     *
     * @return a new map
     */
    default Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name());
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = TrainJson.MAPPER.convertValue(config(), LinkedHashMap.class);
        m.putAll(fields);
        return m;
    }

    /**
     * Restores a choice from {@link #toMap()}.
     *
     * @param map the map
     * @return the choice
     * @throws IllegalArgumentException if the name is unknown or a hyper-parameter is missing or invalid
     */
    static OptimizerChoice fromMap(Map<String, ?> map) {
        Objects.requireNonNull(map, "map");
        Object name = map.get("name");
        Map<String, Object> fields = new LinkedHashMap<>(map);
        fields.remove("name");
        Class<? extends Record> type = switch (String.valueOf(name)) {
            case "sgd" -> SgdConfig.class;
            case "adam", "adamw" -> AdamConfig.class;
            case "rmsprop" -> RMSpropConfig.class;
            default -> throw new IllegalArgumentException("optimizer: expected one of sgd, adam, adamw, rmsprop,"
                    + " found '" + name + "'");
        };
        requireFields(name, fields, type);
        Record config;
        try {
            config = TrainJson.MAPPER.convertValue(fields, type);
        } catch (IllegalArgumentException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw new IllegalArgumentException("optimizer " + name + ": " + firstLine(root.getMessage()), e);
        }
        return switch (String.valueOf(name)) {
            case "sgd" -> new SgdChoice((SgdConfig) config);
            case "adam" -> new AdamChoice((AdamConfig) config);
            case "adamw" -> new AdamWChoice((AdamConfig) config);
            default -> new RMSpropChoice((RMSpropConfig) config);
        };
    }

    /**
     * Checks that {@code fields} are exactly the settings of {@code type}, so that a missing or
     * unknown one is named plainly rather than in the JSON library's words.
     */
    private static void requireFields(Object name, Map<String, Object> fields, Class<? extends Record> type) {
        List<String> expected = Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).toList();
        List<String> missing = expected.stream().filter(f -> !fields.containsKey(f)).toList();
        List<String> unknown = fields.keySet().stream().filter(f -> !expected.contains(f)).toList();
        if (!missing.isEmpty() || !unknown.isEmpty()) {
            throw new IllegalArgumentException("optimizer " + name + ": expected the settings "
                    + String.join(", ", expected) + ", found " + (missing.isEmpty() ? "" : "no "
                    + String.join(", ", missing)) + (missing.isEmpty() || unknown.isEmpty() ? "" : ", and ")
                    + (unknown.isEmpty() ? "" : "others: " + String.join(", ", unknown)));
        }
    }

    /**
     * An optimizer from user settings, with the rules of which settings go together: momentum is
     * SGD's and RMSprop's, the betas are Adam's and AdamW's; a setting left null keeps PyTorch's
     * default. Messages start with the setting's name ({@code momentum}, {@code beta1/beta2}) so that a
     * command line can put its option there.
     *
     * @param name        {@code sgd}, {@code adam}, {@code adamw} or {@code rmsprop} (any case)
     * @param lr          the learning rate
     * @param momentum    momentum, or null
     * @param weightDecay weight decay, or null
     * @param beta1       Adam's beta1, or null
     * @param beta2       Adam's beta2, or null
     * @return the choice
     * @throws IllegalArgumentException naming the setting
     */
    static OptimizerChoice of(String name, double lr, Double momentum, Double weightDecay, Double beta1, Double beta2) {
        String opt = parseName(name);
        boolean adam = opt.equals("adam") || opt.equals("adamw");
        if (momentum != null && adam) {
            throw new IllegalArgumentException("momentum: applies to sgd and rmsprop only, found optimizer " + opt);
        }
        if ((beta1 != null || beta2 != null) && !adam) {
            throw new IllegalArgumentException("beta1/beta2: apply to adam and adamw only, found optimizer " + opt);
        }
        return switch (opt) {
            case "sgd" -> {
                SgdConfig.Builder b = SgdConfig.builder(lr);
                if (momentum != null) {
                    b.momentum(momentum);
                }
                if (weightDecay != null) {
                    b.weightDecay(weightDecay);
                }
                yield new SgdChoice(b.build());
            }
            case "rmsprop" -> {
                RMSpropConfig.Builder b = RMSpropConfig.builder().lr(lr);
                if (momentum != null) {
                    b.momentum(momentum);
                }
                if (weightDecay != null) {
                    b.weightDecay(weightDecay);
                }
                yield new RMSpropChoice(b.build());
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
                yield opt.equals("adam") ? new AdamChoice(b.build()) : new AdamWChoice(b.build());
            }
        };
    }

    /**
     * Parses an optimizer name as given on a command line (case-insensitive).
     *
     * @param name the name
     * @return the canonical name
     * @throws IllegalArgumentException naming the accepted values
     */
    static String parseName(String name) {
        String n = name == null ? "" : name.toLowerCase(java.util.Locale.ROOT);
        return switch (n) {
            case "sgd", "adam", "adamw", "rmsprop" -> n;
            default -> throw new IllegalArgumentException("optimizer: expected one of sgd, adam, adamw, rmsprop, found '"
                    + name + "'");
        };
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "invalid value";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    /**
     * Stochastic gradient descent ({@code torch.optim.SGD}).
     *
     * @param config the hyper-parameters
     */
    record SgdChoice(SgdConfig config) implements OptimizerChoice {
        /**
         * Checks the configuration is given.
         *
         * @param config the hyper-parameters
         */
        public SgdChoice {
            Objects.requireNonNull(config, "config");
        }

        @Override
        public String name() {
            return "sgd";
        }

        @Override
        public double learningRate() {
            return config.lr();
        }

        @Override
        public <A> Optimizer<A> create(Precision<A> precision, Map<String, Parameter<A>> params) {
            return new Sgd<>(precision, params, config);
        }
    }

    /**
     * Adam with an L2 weight decay ({@code torch.optim.Adam}).
     *
     * @param config the hyper-parameters
     */
    record AdamChoice(AdamConfig config) implements OptimizerChoice {
        /**
         * Checks the configuration is given.
         *
         * @param config the hyper-parameters
         */
        public AdamChoice {
            Objects.requireNonNull(config, "config");
        }

        @Override
        public String name() {
            return "adam";
        }

        @Override
        public double learningRate() {
            return config.lr();
        }

        @Override
        public <A> Optimizer<A> create(Precision<A> precision, Map<String, Parameter<A>> params) {
            return new Adam<>(precision, params, config);
        }
    }

    /**
     * Adam with decoupled weight decay ({@code torch.optim.AdamW}).
     *
     * @param config the hyper-parameters
     */
    record AdamWChoice(AdamConfig config) implements OptimizerChoice {
        /**
         * Checks the configuration is given.
         *
         * @param config the hyper-parameters
         */
        public AdamWChoice {
            Objects.requireNonNull(config, "config");
        }

        @Override
        public String name() {
            return "adamw";
        }

        @Override
        public double learningRate() {
            return config.lr();
        }

        @Override
        public <A> Optimizer<A> create(Precision<A> precision, Map<String, Parameter<A>> params) {
            return new AdamW<>(precision, params, config);
        }
    }

    /**
     * RMSprop ({@code torch.optim.RMSprop}).
     *
     * @param config the hyper-parameters
     */
    record RMSpropChoice(RMSpropConfig config) implements OptimizerChoice {
        /**
         * Checks the configuration is given.
         *
         * @param config the hyper-parameters
         */
        public RMSpropChoice {
            Objects.requireNonNull(config, "config");
        }

        @Override
        public String name() {
            return "rmsprop";
        }

        @Override
        public double learningRate() {
            return config.lr();
        }

        @Override
        public <A> Optimizer<A> create(Precision<A> precision, Map<String, Parameter<A>> params) {
            return new RMSprop<>(precision, params, config);
        }
    }
}
