package dev.recur.io;

import dev.recur.nn.Module;
import dev.recur.nn.Parameter;
import dev.recur.tensor.Precision;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A module tree's weights as a safetensors file under PyTorch's {@code state_dict} names (the paths
 * of {@link Module#namedParameters()}), the form
 * {@code safetensors.torch.save_file(model.state_dict(), path)} writes and
 * {@code model.load_state_dict(safetensors.torch.load_file(path))} reads: for the character model
 * {@code embedding.weight [V, E]}, {@code rnn.weight_ih_l0 [G*H, E]}, {@code rnn.weight_hh_l0 [G*H, H]},
 * {@code rnn.bias_ih_l0 [G*H]}, {@code rnn.bias_hh_l0 [G*H]}, … for every layer,
 * {@code head.weight [V, H]}, {@code head.bias [V]}.
 *
 * <p>Writing stores the model's own precision ({@code F32} for float32, {@code F64} for float64),
 * bit for bit. Reading accepts {@code F32} and {@code F64} files into either precision (a float64
 * file read into a float32 model is rounded to nearest) and is strict: every parameter must be
 * present with exactly its shape, and the file may hold no other tensor. A mismatch is a
 * {@link FormatException} naming the file, the tensor and the expected and found shapes, since it
 * means the file holds another architecture. Every value must be finite, both ways: a NaN or
 * infinity in a file is a {@link FormatException} naming the file, the tensor and the element, and
 * a model holding one (a diverged run) is never written.
 *
 * <p>Stateless, but a save reads the model and a load writes into it: do not use the model from
 * another thread meanwhile.
 */
public final class StateDicts {

    private StateDicts() {
    }

    /**
     * Builds a writer holding the model's parameters under their {@code state_dict} names.
     *
     * @param model the model
     * @param <A>   the array type
     * @return a writer, ready for {@link SafetensorsWriter#write(Path)} (metadata may be added)
     * @throws IllegalArgumentException if a parameter holds NaN or infinity (a diverged model is
     *                                  never written)
     */
    public static <A> SafetensorsWriter writer(Module<A> model) {
        Objects.requireNonNull(model, "model");
        requireFinite(null, model);
        return checkedWriter(model);
    }

    /**
     * {@link #writer}, for a model that {@link #requireFinite} has checked already.
     *
     * @param model the model, every value finite
     * @param <A>   the array type
     * @return a writer holding its parameters
     */
    public static <A> SafetensorsWriter checkedWriter(Module<A> model) {
        SafetensorsWriter w = new SafetensorsWriter();
        Precision<A> p = model.precision();
        for (Map.Entry<String, Parameter<A>> e : model.namedParameters().entrySet()) {
            Parameter<A> param = e.getValue();
            put(w, p, e.getKey(), param.value(), param.size(), param.shape());
        }
        return w;
    }

    /**
     * Checks that every parameter of a model about to be written is finite.
     *
     * @param target where it was to be written (for the message), or null
     * @param model  the model
     * @param <A>    the array type
     * @throws IllegalArgumentException naming the first parameter and element that is NaN or infinite
     */
    public static <A> void requireFinite(Path target, Module<A> model) {
        for (Map.Entry<String, Parameter<A>> e : model.namedParameters().entrySet()) {
            Parameter<A> param = e.getValue();
            Finiteness.requireFiniteToWrite(target, "model tensor '" + e.getKey() + "'", param.shape(),
                    model.precision(), param.value(), param.size());
        }
    }

    /**
     * Adds an array of the given precision to a writer, as {@code F32} or {@code F64}.
     *
     * @param w      the writer
     * @param p      the precision of {@code values}
     * @param name   the tensor name
     * @param values the elements (at least {@code size})
     * @param size   the number of elements to write
     * @param shape  the shape, whose product is {@code size}
     * @param <A>    the array type
     */
    static <A> void put(SafetensorsWriter w, Precision<A> p, String name, A values, int size, int[] shape) {
        if (p.isDouble()) {
            w.put(name, Arrays.copyOf((double[]) values, size), shape);
        } else {
            w.put(name, Arrays.copyOf((float[]) values, size), shape);
        }
    }

    /**
     * Writes the model's parameters to a safetensors file, atomically.
     *
     * @param model the model
     * @param file  the file to create or replace
     * @param <A>   the array type
     * @throws IOException              if writing fails
     * @throws IllegalArgumentException if a parameter holds NaN or infinity; nothing is written then
     */
    public static <A> void save(Module<A> model, Path file) throws IOException {
        Objects.requireNonNull(model, "model");
        requireFinite(file, model);
        checkedWriter(model).write(file);
    }

    /**
     * Copies every parameter of the model from a safetensors file holding its {@code state_dict},
     * for example one saved by PyTorch ({@code F32} or {@code F64}).
     *
     * @param model the model whose parameters are overwritten
     * @param file  the file
     * @param <A>   the array type
     * @throws FormatException if a parameter is missing, has another shape or a non-floating-point
     *                         dtype, holds NaN or infinity (or, read into a float32 model, a value
     *                         beyond the float32 range), or the file holds a tensor the model does
     *                         not have; nothing is changed then
     */
    public static <A> void loadStateDict(Module<A> model, SafetensorsFile file) throws FormatException {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(file, "file");
        Map<String, Parameter<A>> params = model.namedParameters();
        String architecture = describe(model);
        Path path = file.path();
        // Check everything first, so that a mismatch changes nothing.
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, Parameter<A>> e : params.entrySet()) {
            String name = e.getKey();
            if (!file.contains(name)) {
                missing.add(name);
                continue;
            }
            int[] expected = e.getValue().shape();
            int[] found = file.shape(name);
            if (!Arrays.equals(expected, found)) {
                throw new FormatException(path, "tensor '" + name + "' of shape " + Arrays.toString(expected)
                        + " (" + architecture + ")", "shape " + Arrays.toString(found),
                        "the file holds a model of another architecture (cell, sizes or vocabulary)");
            }
            DType dtype = file.dtype(name);
            if (!dtype.isFloatingPoint()) {
                throw new FormatException(path, "tensor '" + name + "' of dtype F32, F64 or BF16", "dtype " + dtype,
                        "the file does not hold model weights");
            }
        }
        if (!missing.isEmpty()) {
            throw new FormatException(path, "tensor '" + missing.get(0) + "' (" + architecture + ")",
                    "no such tensor" + (missing.size() > 1 ? " (nor " + (missing.size() - 1) + " more)" : "")
                            + "; the file holds " + listNames(file.names()),
                    "the file holds a model of another architecture (cell or number of layers), or is not a"
                            + " state_dict of this model");
        }
        Set<String> extra = new TreeSet<>(file.names());
        extra.removeAll(params.keySet());
        if (!extra.isEmpty()) {
            throw new FormatException(path, "only the tensors of " + architecture,
                    "also tensor '" + extra.iterator().next() + "'"
                            + (extra.size() > 1 ? " (and " + (extra.size() - 1) + " more)" : ""),
                    "the file holds a model of another architecture (e.g. more layers)");
        }
        Precision<A> p = model.precision();
        Map<Parameter<A>, A> values = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter<A>> e : params.entrySet()) {
            String name = e.getKey();
            double[] read = file.doubles(name);
            Finiteness.requireFinite(path, name, file.shape(name), read);
            A converted = p.fromDoubles(read);
            int bad = p.kernels().firstNonFinite(converted, 0, read.length);
            if (bad >= 0) {
                throw new FormatException(path, "values within the " + p.name() + " range in tensor '" + name + "'",
                        read[bad] + " at " + Parameter.index(file.shape(name), bad),
                        "float64 weights too large for a " + p.name() + " model (load them as float64)");
            }
            values.put(e.getValue(), converted);
        }
        values.forEach((param, v) -> p.kernels().copy(v, 0, param.value(), 0, param.size()));
    }

    /**
     * Reads a safetensors file and loads it into the model; see
     * {@link #loadStateDict(Module, SafetensorsFile)}.
     *
     * @param model the model whose parameters are overwritten
     * @param file  the file
     * @param <A>   the array type
     * @throws IOException if the file cannot be read, is not a valid safetensors file, or does not
     *                     fit the model
     */
    public static <A> void load(Module<A> model, Path file) throws IOException {
        loadStateDict(model, SafetensorsFile.read(file));
    }

    /** The module in words, e.g. {@code "a 2-layer lstm model with V=65, E=64, H=256"} (its toString()). */
    static String describe(Module<?> model) {
        return model.toString();
    }

    private static String listNames(Set<String> names) {
        if (names.isEmpty()) {
            return "no tensors";
        }
        List<String> sorted = new ArrayList<>(new TreeSet<>(names));
        int shown = Math.min(sorted.size(), 8);
        return String.join(", ", sorted.subList(0, shown)) + (sorted.size() > shown ? ", …" : "");
    }
}
