package dev.recur.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.CharConversionException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * A safetensors file, read completely into memory and validated.
 *
 * <h2>Format</h2>
 * An 8-byte little-endian unsigned length {@code N}, then {@code N} bytes of UTF-8 JSON (the
 * header, possibly padded with trailing spaces), then the data section. The header maps each
 * tensor name to {@code {"dtype": ..., "shape": [...], "data_offsets": [begin, end]}}, with
 * offsets relative to the start of the data section, plus an optional {@code "__metadata__"}
 * object of string values. Elements are little-endian, in C (row-major) order.
 *
 * <h2>Validation</h2>
 * {@link #read(Path)} is strict: besides well-formed JSON it requires a supported
 * {@link DType}, non-negative integer dimensions, {@code end - begin} equal to the byte size of
 * the shape, offsets inside the data section, and tensors that cover the data section exactly,
 * without overlaps, gaps or trailing bytes. Metadata values must be strings, and a tensor entry
 * may hold no keys other than {@code dtype}, {@code shape} and {@code data_offsets}. The header
 * need not be padded to a multiple of 8 bytes (recur's writer always pads it).
 *
 * <h2>Errors</h2>
 * <ul>
 *   <li>A file whose content breaks the format gives a {@link FormatException} (an
 *       {@link IOException}) whose message names the file, what was expected, what was found and
 *       the likely cause.</li>
 *   <li>Failures to read the file at all are plain {@link IOException}s from {@code java.nio}.</li>
 *   <li>Asking a valid file for something it does not have (an unknown tensor name or metadata
 *       key, or a tensor through an accessor that does not fit its dtype) gives an
 *       {@link IllegalArgumentException}.</li>
 * </ul>
 *
 * <h2>Type conversions</h2>
 * {@link #doubles} reads {@code F64} and (exactly widened) {@code F32}; {@link #floats} reads
 * {@code F32} and {@code F64} rounded to nearest, as {@code (float) d}; {@link #longs} reads
 * {@code I64} and (widened) {@code I32}. Floating-point and integer tensors are never converted
 * into each other.
 *
 * <p>Instances are immutable and safe to share between threads. Every accessor returns a fresh
 * copy.
 */
public final class SafetensorsFile {

    /** Name of the header key that holds the metadata instead of a tensor. */
    public static final String METADATA_KEY = "__metadata__";

    /** Longest header accepted; larger values mean the file is not a safetensors file. */
    private static final long MAX_HEADER_BYTES = 100_000_000L;

    /** Largest data section this in-memory reader holds (the limit of a Java array). */
    private static final long MAX_DATA_BYTES = Integer.MAX_VALUE - 8L;

    /** At most this many names are listed in a "not found" message. */
    private static final int MAX_LISTED_NAMES = 60;

    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final Path path;
    private final Map<String, String> metadata;
    private final Map<String, TensorEntry> entries;
    private final ByteBuffer data;

    private SafetensorsFile(Path path, Map<String, String> metadata,
                            Map<String, TensorEntry> entries, ByteBuffer data) {
        this.path = path;
        this.metadata = Collections.unmodifiableMap(metadata);
        this.entries = Collections.unmodifiableMap(entries);
        this.data = data.asReadOnlyBuffer();
    }

    /**
     * Reads and validates a safetensors file.
     *
     * @param path the file
     * @return the file's header and data, held in memory
     * @throws FormatException if the content breaks the format (see the class description)
     * @throws IOException if the file cannot be read, or its data section exceeds 2 GiB
     */
    public static SafetensorsFile read(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        RegularFiles.require(path, "a safetensors file, a regular file");
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new FormatException(path,
                        "at least 8 bytes (the little-endian uint64 header length)",
                        size + " byte" + (size == 1 ? "" : "s"),
                        size == 0 ? "the file is empty; an interrupted write?"
                                : "the file looks truncated");
            }
            long n = readFully(ch, path, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            long available = size - 8;
            if (n < 0 || n > available) {
                throw new FormatException(path,
                        "a header of " + Long.toUnsignedString(n)
                                + " bytes after the 8-byte length prefix (as the prefix says)",
                        "only " + available + " bytes after the prefix (file size " + size + ")",
                        "the file looks truncated, or it is not a safetensors file");
            }
            if (n > MAX_HEADER_BYTES) {
                throw new FormatException(path,
                        "a header length of at most " + MAX_HEADER_BYTES + " bytes",
                        n + " bytes", "the file is not a safetensors file");
            }
            long dataLength = available - n;
            if (dataLength > MAX_DATA_BYTES) {
                throw new IOException(path + ": the data section has " + dataLength
                        + " bytes; this reader holds at most " + MAX_DATA_BYTES + " bytes in memory");
            }
            byte[] header = readFully(ch, path, 8, (int) n).array();

            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, TensorEntry> entries = new TreeMap<>();
            parseHeader(path, header, dataLength, metadata, entries);
            checkCoverage(path, entries.values(), dataLength);

            ByteBuffer data = readFully(ch, path, 8 + n, (int) dataLength);
            return new SafetensorsFile(path, metadata, entries, data);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Accessors

    /**
     * Returns the path this file was read from.
     *
     * @return the path as given to {@link #read(Path)}
     */
    public Path path() {
        return path;
    }

    /**
     * Returns the metadata ({@code "__metadata__"}), in the order of the header.
     *
     * @return an unmodifiable map; empty if the file has no metadata
     */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * Returns one metadata value.
     *
     * @param key the metadata key
     * @return its value
     * @throws IllegalArgumentException if the file has no such key
     */
    public String metadata(String key) {
        String value = metadata.get(key);
        if (value == null) {
            throw new IllegalArgumentException("metadata key '" + key + "' not found in " + path
                    + "; it has: " + list(metadata.keySet()));
        }
        return value;
    }

    /**
     * Returns the tensor names in ascending order ({@link String#compareTo}).
     *
     * @return an unmodifiable, sorted set
     */
    public Set<String> names() {
        return entries.keySet();
    }

    /**
     * Returns the header entries of all tensors, in ascending name order.
     *
     * @return an unmodifiable list
     */
    public List<TensorEntry> entries() {
        return List.copyOf(entries.values());
    }

    /**
     * Tells whether the file holds a tensor of this name.
     *
     * @param name the tensor name
     * @return true if present
     */
    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    /**
     * Returns one tensor's header entry.
     *
     * @param name the tensor name
     * @return the entry
     * @throws IllegalArgumentException if the file has no such tensor
     */
    public TensorEntry entry(String name) {
        TensorEntry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException("tensor '" + name + "' not found in " + path
                    + "; it has: " + list(entries.keySet()));
        }
        return e;
    }

    /**
     * Returns a tensor's shape.
     *
     * @param name the tensor name
     * @return a copy of the dimensions, outermost first; empty for a scalar
     * @throws IllegalArgumentException if the file has no such tensor
     */
    public int[] shape(String name) {
        return entry(name).shape();
    }

    /**
     * Returns a tensor's element type.
     *
     * @param name the tensor name
     * @return the dtype
     * @throws IllegalArgumentException if the file has no such tensor
     */
    public DType dtype(String name) {
        return entry(name).dtype();
    }

    /**
     * Returns a floating-point tensor as doubles, in C order. {@code F32} values are widened,
     * which is exact.
     *
     * @param name the tensor name
     * @return a new array of {@code product(shape)} elements
     * @throws IllegalArgumentException if the file has no such tensor, or it is an integer tensor
     */
    public double[] doubles(String name) {
        TensorEntry e = entry(name);
        double[] out = new double[(int) e.elementCount()];
        switch (e.dtype()) {
            case F64 -> slice(e).asDoubleBuffer().get(out);
            case F32 -> {
                var in = slice(e).asFloatBuffer();
                for (int i = 0; i < out.length; i++) {
                    out[i] = in.get(i);
                }
            }
            case BF16 -> {
                var in = slice(e).asShortBuffer();
                for (int i = 0; i < out.length; i++) {
                    out[i] = Float.intBitsToFloat(in.get(i) << 16);
                }
            }
            default -> throw wrongType(e, "doubles()", "F64, F32 or BF16", "longs()");
        }
        return out;
    }

    /**
     * Returns a floating-point tensor as floats, in C order. {@code F64} values are rounded to
     * the nearest float, as {@code (float) d}.
     *
     * @param name the tensor name
     * @return a new array of {@code product(shape)} elements
     * @throws IllegalArgumentException if the file has no such tensor, or it is an integer tensor
     */
    public float[] floats(String name) {
        TensorEntry e = entry(name);
        float[] out = new float[(int) e.elementCount()];
        switch (e.dtype()) {
            case F32 -> slice(e).asFloatBuffer().get(out);
            case F64 -> {
                var in = slice(e).asDoubleBuffer();
                for (int i = 0; i < out.length; i++) {
                    out[i] = (float) in.get(i);
                }
            }
            case BF16 -> {
                var in = slice(e).asShortBuffer();
                for (int i = 0; i < out.length; i++) {
                    out[i] = Float.intBitsToFloat(in.get(i) << 16);
                }
            }
            default -> throw wrongType(e, "floats()", "F32, F64 or BF16", "longs()");
        }
        return out;
    }

    /**
     * Returns an integer tensor as longs, in C order. {@code I32} values are widened.
     *
     * @param name the tensor name
     * @return a new array of {@code product(shape)} elements
     * @throws IllegalArgumentException if the file has no such tensor, or it is a floating-point
     *     tensor
     */
    public long[] longs(String name) {
        TensorEntry e = entry(name);
        long[] out = new long[(int) e.elementCount()];
        switch (e.dtype()) {
            case I64 -> slice(e).asLongBuffer().get(out);
            case I32 -> {
                var in = slice(e).asIntBuffer();
                for (int i = 0; i < out.length; i++) {
                    out[i] = in.get(i);
                }
            }
            case I8 -> {
                var in = slice(e);
                for (int i = 0; i < out.length; i++) {
                    out[i] = in.get(i);
                }
            }
            default -> throw wrongType(e, "longs()", "I64, I32 or I8", "doubles() or floats()");
        }
        return out;
    }

    /**
     * Returns a tensor's raw bytes.
     *
     * @param name the tensor name
     * @return a read-only, little-endian view of {@code [begin, end)} of the data section
     * @throws IllegalArgumentException if the file has no such tensor
     */
    public ByteBuffer bytes(String name) {
        return slice(entry(name));
    }

    /**
     * Describes the file briefly.
     *
     * @return e.g. {@code SafetensorsFile[a.safetensors: 20 tensors, 19 metadata keys]}
     */
    @Override
    public String toString() {
        return "SafetensorsFile[" + path + ": " + entries.size() + " tensors, "
                + metadata.size() + " metadata keys]";
    }

    private ByteBuffer slice(TensorEntry e) {
        return data.slice((int) e.begin(), (int) e.byteLength()).order(ByteOrder.LITTLE_ENDIAN);
    }

    private IllegalArgumentException wrongType(TensorEntry e, String method, String accepted,
                                               String instead) {
        return new IllegalArgumentException("tensor '" + e.name() + "' in " + path + " has dtype "
                + e.dtype() + "; " + method + " reads " + accepted + " tensors (use " + instead + ")");
    }

    private static String list(Set<String> names) {
        if (names.isEmpty()) {
            return "(nothing)";
        }
        List<String> shown = new ArrayList<>();
        for (String s : names) {
            if (shown.size() == MAX_LISTED_NAMES) {
                return String.join(", ", shown) + ", ... (" + names.size() + " in all)";
            }
            shown.add(s);
        }
        return String.join(", ", shown);
    }

    // ------------------------------------------------------------------------------------------
    // Reading and validation

    private static ByteBuffer readFully(FileChannel ch, Path path, long position, int length)
            throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            int got = ch.read(buf, position + buf.position());
            if (got < 0) {
                throw new FormatException(path, length + " bytes at offset " + position,
                        "the end of the file after " + buf.position() + " bytes",
                        "the file was truncated while it was being read");
            }
        }
        return buf.flip();
    }

    private static void parseHeader(Path path, byte[] header, long dataLength,
                                    Map<String, String> metadata, Map<String, TensorEntry> entries)
            throws FormatException {
        // the format: the header starts with '{' (no byte-order mark, no leading white space)
        if (header.length > 0 && header[0] != '{') {
            boolean blank = header[0] == ' ' || header[0] == '\t' || header[0] == '\n' || header[0] == '\r';
            boolean bom = header.length >= 3 && (header[0] & 0xFF) == 0xEF && (header[1] & 0xFF) == 0xBB
                    && (header[2] & 0xFF) == 0xBF;
            if (bom || blank) {
                throw new FormatException(path, "a header that starts with '{' (the safetensors format)",
                        bom ? "a UTF-8 byte-order mark before it" : String.format(java.util.Locale.ROOT,
                                "white space (byte 0x%02X) before it", header[0] & 0xFF),
                        "a file written or edited by a tool that does not follow the format");
            }
        }
        JsonNode root;
        try {
            root = JSON.readTree(header);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null || at.getByteOffset() < 0 ? ""
                    : " at byte " + at.getByteOffset() + " of the header";
            String problem = e.getOriginalMessage();
            boolean duplicate = problem != null && problem.startsWith("Duplicate field");
            throw new FormatException(path,
                    duplicate ? "a JSON object with unique keys as the header"
                            : "a UTF-8 JSON object as the header",
                    "invalid JSON (" + problem + where + ")",
                    duplicate ? "the writer emitted the same tensor name twice"
                            : "the header is corrupted, or the file is not a safetensors file", e);
        } catch (CharConversionException e) {
            // the parser took the leading bytes for UTF-16 or UTF-32 and found no character there
            throw new FormatException(path, "a UTF-8 JSON object as the header",
                    "bytes that are not text (" + e.getMessage() + ")",
                    "the header is corrupted, or the file is not a safetensors file", e);
        } catch (IOException e) {
            throw new IllegalStateException("reading JSON from a byte array failed", e);
        }
        if (root == null || root.isMissingNode()) {
            throw new FormatException(path, "a UTF-8 JSON object as the header",
                    "an empty header (" + header.length + " bytes of whitespace)",
                    "the file is corrupted, or it is not a safetensors file");
        }
        if (!root.isObject()) {
            throw new FormatException(path, "a UTF-8 JSON object as the header",
                    "a JSON " + kind(root),
                    "the file is not a safetensors file, or the header is corrupted");
        }
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            String name = field.getKey();
            if (name.equals(METADATA_KEY)) {
                parseMetadata(path, field.getValue(), metadata);
            } else {
                entries.put(name, parseEntry(path, name, field.getValue(), dataLength));
            }
        }
    }

    private static void parseMetadata(Path path, JsonNode node, Map<String, String> metadata)
            throws FormatException {
        if (node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            throw new FormatException(path,
                    "\"" + METADATA_KEY + "\" to be a JSON object of string values",
                    "a JSON " + kind(node), "the writer did not follow the safetensors format");
        }
        for (Map.Entry<String, JsonNode> m : node.properties()) {
            JsonNode value = m.getValue();
            if (!value.isTextual()) {
                throw new FormatException(path,
                        "metadata value of '" + m.getKey() + "' to be a JSON string",
                        "a JSON " + kind(value) + " (" + value + ")",
                        "the writer stored a non-string value; safetensors metadata maps strings"
                                + " to strings, so numbers must be written as decimal strings");
            }
            metadata.put(m.getKey(), value.textValue());
        }
    }

    private static TensorEntry parseEntry(Path path, String name, JsonNode node, long dataLength)
            throws FormatException {
        String what = "tensor '" + name + "'";
        String corrupt = "the header is corrupted, or was written by a non-conforming tool";
        if (!node.isObject()) {
            throw new FormatException(path,
                    what + " to be a JSON object with dtype, shape and data_offsets",
                    "a JSON " + kind(node), corrupt);
        }
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String key = field.getKey();
            if (!key.equals("dtype") && !key.equals("shape") && !key.equals("data_offsets")) {
                throw new FormatException(path,
                        "only the keys dtype, shape and data_offsets in " + what,
                        "the key '" + key + "'", corrupt);
            }
        }

        JsonNode dtypeNode = required(path, what, node, "dtype");
        if (!dtypeNode.isTextual()) {
            throw new FormatException(path, "the dtype of " + what + " to be a JSON string",
                    "a JSON " + kind(dtypeNode), corrupt);
        }
        DType dtype = DType.fromName(dtypeNode.textValue()).orElseThrow(() -> new FormatException(
                path, "the dtype of " + what + " to be one of " + DType.supportedNames(),
                "\"" + dtypeNode.textValue() + "\"",
                "the file uses a dtype recur does not support (or a misspelt one); convert the"
                        + " tensor to float64, float32, int64 or int32 before saving"));

        JsonNode shapeNode = required(path, what, node, "shape");
        if (!shapeNode.isArray()) {
            throw new FormatException(path, "the shape of " + what + " to be a JSON array",
                    "a JSON " + kind(shapeNode), corrupt);
        }
        int[] shape = new int[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong()
                    || d.longValue() < 0 || d.longValue() > Integer.MAX_VALUE) {
                throw new FormatException(path,
                        "the shape of " + what + " to hold non-negative integer dimensions"
                                + " (at most " + Integer.MAX_VALUE + ")",
                        shapeNode.toString(), corrupt);
            }
            shape[i] = d.intValue();
        }

        JsonNode offsetsNode = required(path, what, node, "data_offsets");
        if (!offsetsNode.isArray() || offsetsNode.size() != 2
                || !isNonNegativeLong(offsetsNode.get(0)) || !isNonNegativeLong(offsetsNode.get(1))) {
            throw new FormatException(path,
                    "the data_offsets of " + what + " to be [begin, end] with non-negative integers",
                    offsetsNode.toString(), corrupt);
        }
        long begin = offsetsNode.get(0).longValue();
        long end = offsetsNode.get(1).longValue();
        String range = "[" + begin + ", " + end + "]";
        if (begin > end) {
            throw new FormatException(path, "begin <= end in the data_offsets of " + what,
                    range, corrupt);
        }

        long bytes;
        try {
            bytes = TensorEntry.byteLength(shape, dtype);
        } catch (IllegalArgumentException e) {
            throw new FormatException(path, "a shape of " + what + " whose byte size fits in 63 bits",
                    shapeNode.toString(), corrupt, e);
        }
        if (end - begin != bytes) {
            throw new FormatException(path,
                    "the data_offsets " + range + " of " + what + " to span " + bytes + " bytes ("
                            + dtype + ", " + dtype.byteSize() + " bytes x " + TensorEntry.elementCount(shape)
                            + " elements of shape " + shapeNode + ")",
                    (end - begin) + " bytes",
                    "the shape or dtype in the header does not match the data that was written");
        }
        if (end > dataLength) {
            throw new FormatException(path,
                    "the data_offsets of " + what + " to lie within the data section of "
                            + dataLength + " bytes",
                    range, "the file looks truncated");
        }
        return new TensorEntry(name, dtype, shape, begin, end);
    }

    private static JsonNode required(Path path, String what, JsonNode node, String key)
            throws FormatException {
        JsonNode value = node.get(key);
        if (value == null) {
            throw new FormatException(path, "the key '" + key + "' in " + what,
                    "only " + node, "the header is corrupted, or was written by a non-conforming tool");
        }
        return value;
    }

    private static boolean isNonNegativeLong(JsonNode n) {
        return n.isIntegralNumber() && n.canConvertToLong() && n.longValue() >= 0;
    }

    /** Checks that the tensors tile the data section exactly: no overlap, no gap, no tail. */
    private static void checkCoverage(Path path, Iterable<TensorEntry> entries, long dataLength)
            throws FormatException {
        List<TensorEntry> byOffset = new ArrayList<>();
        entries.forEach(byOffset::add);
        byOffset.sort(Comparator.comparingLong(TensorEntry::begin).thenComparingLong(TensorEntry::end));
        long pos = 0;
        TensorEntry previous = null;
        for (TensorEntry e : byOffset) {
            if (e.begin() < pos) {
                throw new FormatException(path,
                        "tensors to occupy disjoint byte ranges of the data section",
                        "tensor '" + e.name() + "' [" + e.begin() + ", " + e.end() + ") overlapping"
                                + " tensor '" + previous.name() + "' [" + previous.begin() + ", "
                                + previous.end() + ")",
                        "the writer computed data_offsets incorrectly");
            }
            if (e.begin() > pos) {
                throw new FormatException(path,
                        "contiguous tensor data: a tensor starting at byte " + pos
                                + " of the data section",
                        "tensor '" + e.name() + "' starting at byte " + e.begin()
                                + ", a gap of " + (e.begin() - pos) + " unused bytes",
                        "the writer left padding between tensors, or a tensor's entry was removed"
                                + " from the header");
            }
            pos = e.end();
            previous = e;
        }
        if (pos != dataLength) {
            throw new FormatException(path,
                    "the tensors to cover the whole data section of " + dataLength + " bytes",
                    (dataLength - pos) + " trailing bytes after the end of the last tensor"
                            + " (byte " + pos + ")",
                    "bytes were appended to the file, or a tensor's entry was removed from the header");
        }
    }

    private static String kind(JsonNode n) {
        return switch (n.getNodeType()) {
            case ARRAY -> "array";
            case OBJECT, POJO -> "object";
            case STRING -> "string";
            case NUMBER -> "number";
            case BOOLEAN -> "boolean";
            case NULL -> "null";
            default -> n.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }
}
