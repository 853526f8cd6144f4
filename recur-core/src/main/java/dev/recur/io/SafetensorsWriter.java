package dev.recur.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Builds a safetensors file (see {@link SafetensorsFile} for the format) and writes it
 * atomically.
 *
 * <p>Usage: {@code new SafetensorsWriter().metadata("kind", "layer").put("x", xs, T, B, I)
 * .write(path)}.
 *
 * <p>The output is canonical, and matches the files of the golden reference set byte for byte:
 * the header is compact JSON (no whitespace) that starts with {@code "__metadata__"} (left out
 * when there is no metadata) with its keys in ascending order, followed by the tensors in
 * ascending name order ({@link String#compareTo}); the header is padded with spaces so that its
 * length is a multiple of 8; the tensors' data follow back to back in the same order, so every
 * tensor starts 8-byte aligned in the file. Strings are written as UTF-8; non-ASCII characters
 * are not escaped.
 *
 * <p>{@code put} methods copy the data immediately, so the caller may reuse its arrays. Invalid
 * arguments (a shape that does not match the data, a name used twice, the reserved name
 * {@value SafetensorsFile#METADATA_KEY}) throw {@link IllegalArgumentException} at once. A writer
 * may be written several times; it is not thread-safe.
 */
public final class SafetensorsWriter {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /** Largest tensor this writer holds (the limit of a Java array). */
    private static final long MAX_TENSOR_BYTES = Integer.MAX_VALUE - 8L;

    private record Pending(DType dtype, int[] shape, byte[] data) {
    }

    private final Map<String, String> metadata = new TreeMap<>();
    private final Map<String, Pending> tensors = new TreeMap<>();

    /** Creates an empty writer. */
    public SafetensorsWriter() {
    }

    /**
     * Sets a metadata entry, replacing any earlier value for the key.
     *
     * @param key the key
     * @param value the value
     * @return this writer
     */
    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /**
     * Sets several metadata entries, replacing earlier values for the same keys.
     *
     * @param entries the keys and values
     * @return this writer
     */
    public SafetensorsWriter metadata(Map<String, String> entries) {
        entries.forEach(this::metadata);
        return this;
    }

    /**
     * Adds a float64 ({@code F64}) tensor.
     *
     * @param name the tensor name, not used before
     * @param data the elements in C order; copied
     * @param shape the dimensions, outermost first; none for a scalar. Their product must equal
     *     {@code data.length}
     * @return this writer
     * @throws IllegalArgumentException if the shape does not match, or the name is taken or reserved
     */
    public SafetensorsWriter put(String name, double[] data, int... shape) {
        ByteBuffer buf = allocate(name, DType.F64, data.length, shape);
        buf.asDoubleBuffer().put(data);
        return add(name, DType.F64, shape, buf);
    }

    /**
     * Adds a float32 ({@code F32}) tensor.
     *
     * @param name the tensor name, not used before
     * @param data the elements in C order; copied
     * @param shape the dimensions, outermost first; none for a scalar. Their product must equal
     *     {@code data.length}
     * @return this writer
     * @throws IllegalArgumentException if the shape does not match, or the name is taken or reserved
     */
    public SafetensorsWriter put(String name, float[] data, int... shape) {
        ByteBuffer buf = allocate(name, DType.F32, data.length, shape);
        buf.asFloatBuffer().put(data);
        return add(name, DType.F32, shape, buf);
    }

    /**
     * Adds an int64 ({@code I64}) tensor.
     *
     * @param name the tensor name, not used before
     * @param data the elements in C order; copied
     * @param shape the dimensions, outermost first; none for a scalar. Their product must equal
     *     {@code data.length}
     * @return this writer
     * @throws IllegalArgumentException if the shape does not match, or the name is taken or reserved
     */
    public SafetensorsWriter putLongs(String name, long[] data, int... shape) {
        ByteBuffer buf = allocate(name, DType.I64, data.length, shape);
        buf.asLongBuffer().put(data);
        return add(name, DType.I64, shape, buf);
    }

    /**
     * Adds an int32 ({@code I32}) tensor.
     *
     * @param name the tensor name, not used before
     * @param data the elements in C order; copied
     * @param shape the dimensions, outermost first; none for a scalar. Their product must equal
     *     {@code data.length}
     * @return this writer
     * @throws IllegalArgumentException if the shape does not match, or the name is taken or reserved
     */
    public SafetensorsWriter putInts(String name, int[] data, int... shape) {
        ByteBuffer buf = allocate(name, DType.I32, data.length, shape);
        buf.asIntBuffer().put(data);
        return add(name, DType.I32, shape, buf);
    }

    /**
     * Adds a bfloat16 ({@code BF16}) tensor from the 16 bits of each element.
     *
     * @param name the tensor name, not used before
     * @param bits the elements' bits in C order; copied
     * @param shape the dimensions, outermost first; their product must equal {@code bits.length}
     * @return this writer
     * @throws IllegalArgumentException if the shape does not match, or the name is taken or reserved
     */
    public SafetensorsWriter putBf16(String name, short[] bits, int... shape) {
        ByteBuffer buf = allocate(name, DType.BF16, bits.length, shape);
        buf.asShortBuffer().put(bits);
        return add(name, DType.BF16, shape, buf);
    }

    /**
     * Adds an int8 ({@code I8}) tensor.
     *
     * @param name the tensor name, not used before
     * @param data the elements in C order; copied
     * @param shape the dimensions, outermost first; their product must equal {@code data.length}
     * @return this writer
     * @throws IllegalArgumentException if the shape does not match, or the name is taken or reserved
     */
    public SafetensorsWriter putBytes(String name, byte[] data, int... shape) {
        ByteBuffer buf = allocate(name, DType.I8, data.length, shape);
        buf.put(data);
        return add(name, DType.I8, shape, buf);
    }

    /**
     * Writes the file atomically (see {@link AtomicFiles}): readers see the old file or the
     * complete new one, and a failed write leaves the old file untouched.
     *
     * @param path the file to create or replace
     * @throws IOException if writing fails
     */
    public void write(Path path) throws IOException {
        AtomicFiles.write(path, this::writeTo);
    }

    /**
     * Returns the bytes of the file, exactly as {@link #write(Path)} would write them.
     *
     * @return the complete file content
     */
    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        return out.toByteArray();
    }

    /**
     * Writes the file's bytes to a stream (which is not closed).
     *
     * @param out the destination
     * @throws IOException if the stream fails
     */
    public void writeTo(OutputStream out) throws IOException {
        byte[] header = header();
        ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
        out.write(prefix.array());
        out.write(header);
        for (Pending p : tensors.values()) {
            out.write(p.data());
        }
    }

    /** Builds the compact JSON header, padded with spaces to a multiple of 8 bytes. */
    private byte[] header() throws IOException {
        ObjectNode root = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject(SafetensorsFile.METADATA_KEY);
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Pending> e : tensors.entrySet()) {
            Pending p = e.getValue();
            ObjectNode t = root.putObject(e.getKey());
            t.put("dtype", p.dtype().name());
            ArrayNode shape = t.putArray("shape");
            for (int d : p.shape()) {
                shape.add(d);
            }
            t.putArray("data_offsets").add(offset).add(offset + p.data().length);
            offset += p.data().length;
        }
        byte[] json = JSON.writeValueAsBytes(root);
        byte[] padded = Arrays.copyOf(json, (json.length + 7) / 8 * 8);
        Arrays.fill(padded, json.length, padded.length, (byte) ' ');
        return padded;
    }

    private ByteBuffer allocate(String name, DType dtype, int length, int[] shape) {
        Objects.requireNonNull(name, "name");
        if (name.equals(SafetensorsFile.METADATA_KEY)) {
            throw new IllegalArgumentException("'" + name + "' is reserved for the metadata and"
                    + " cannot name a tensor");
        }
        if (tensors.containsKey(name)) {
            throw new IllegalArgumentException("tensor '" + name + "' was already added");
        }
        long bytes;
        try {
            bytes = TensorEntry.byteLength(shape, dtype);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tensor '" + name + "': " + e.getMessage(), e);
        }
        long count = bytes / dtype.byteSize();
        if (count != length) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape)
                    + " has " + count + " elements, but the data has " + length);
        }
        if (bytes > MAX_TENSOR_BYTES) {
            throw new IllegalArgumentException("tensor '" + name + "' has " + bytes
                    + " bytes; at most " + MAX_TENSOR_BYTES + " are supported per tensor");
        }
        return ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private SafetensorsWriter add(String name, DType dtype, int[] shape, ByteBuffer buf) {
        tensors.put(name, new Pending(dtype, shape.clone(), buf.array()));
        return this;
    }
}
