package dev.recur.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * A seeded mutation fuzzer for the readers of untrusted files: it mutates valid seed files (bit flips,
 * byte insertions, deletions and duplications, truncation, splicing, extreme little-endian integers,
 * and, for JSON, tree edits: numbers replaced by huge, negative or NaN-like tokens, keys deleted, types
 * changed), writes each mutant to disk, hands it to a reader, and checks the contract every reader of
 * a user's file keeps: the file loads, or the reader throws one of the project's own exception types
 * with a non-empty message of one line. Anything else (an unchecked exception, an {@link Error}
 * including {@link OutOfMemoryError}, a message with a line break, an allocation above a fixed bound
 * per case) is a failure, reported with the kind's seed and the case's index; the mutant is saved under
 * {@code target/fuzz-failures/} to replay.
 *
 * <p>Case {@code i} of a kind depends only on the kind's seed and {@code i}:
 * {@code -Drecur.fuzz.index=I} runs that case alone. {@code -Drecur.fuzz.count=N} sets the number of
 * cases per kind (the {@code fuzz} profile: 10,000), {@code -Drecur.fuzz.maxAllocMiB=M} the bound on
 * what one case may allocate (measured per thread).
 *
 * <p>recur-onnx's tests use it through recur-core's test jar.
 */
public final class Fuzzing {

    /** What the mutants of a kind are written to, and how one is loaded. */
    public interface Target {
        /**
         * Loads the case's files as a user's program would, to the end (every accessor that reads data).
         *
         * @param file the file (or folder) the case names
         * @throws Exception whatever the reader throws
         */
        void load(Path file) throws Exception;
    }

    /** One mutant: the files to write (in order) and the path handed to the target. */
    public record Case(Map<Path, byte[]> files, Path target, String what) {
        /**
         * A single file.
         *
         * @param file  the file
         * @param bytes its content
         * @param what  a short description (the seed and the mutations)
         * @return the case
         */
        public static Case of(Path file, byte[] bytes, String what) {
            Map<Path, byte[]> files = new LinkedHashMap<>();
            files.put(file, bytes);
            return new Case(files, file, what);
        }
    }

    /** Makes case {@code index} from its own random source. */
    public interface Generator {
        /**
         * Makes one case.
         *
         * @param random the case's random source
         * @param index  the case's index
         * @return the case
         * @throws IOException if preparing it fails
         */
        Case make(Random random, int index) throws IOException;
    }

    /** What a run found. */
    public static final class Report {
        final String kind;
        final long seed;
        int cases;
        int loaded;
        final Map<String, Integer> refused = new TreeMap<>();
        final Map<String, List<String>> failures = new LinkedHashMap<>();
        int failed;
        long maxAllocated;
        long maxNanos;
        long nanos;

        Report(String kind, long seed) {
            this.kind = kind;
            this.seed = seed;
        }

        /** @return the number of cases that broke the contract */
        public int failed() {
            return failed;
        }

        /** @return the number of cases run */
        public int cases() {
            return cases;
        }

        /** @return the number of mutants that loaded */
        public int loaded() {
            return loaded;
        }

        /** @return one line: the counts, by exception type, and the time */
        public String summary() {
            int refusedTotal = refused.values().stream().mapToInt(Integer::intValue).sum();
            return String.format(Locale.ROOT, "fuzz %s: seed %d, %d cases: %d loaded, %d refused %s, %d failed;"
                            + " %.1f s, slowest case %.0f ms, most allocated by one case %.1f MiB (heap limit %d MiB)",
                    kind, seed, cases, loaded, refusedTotal, refused, failed, nanos / 1e9, maxNanos / 1e6,
                    maxAllocated / (1024.0 * 1024.0), Runtime.getRuntime().maxMemory() >> 20);
        }

        /** @return the failures, one line each, grouped by their signature */
        public String failures() {
            StringBuilder sb = new StringBuilder();
            failures.forEach((signature, examples) -> sb.append("\n  ").append(signature).append("\n      ")
                    .append(String.join("\n      ", examples)));
            return sb.toString();
        }
    }

    /** Examples kept for each distinct failure. */
    private static final int EXAMPLES = 3;

    private Fuzzing() {
    }

    /**
     * The number of cases per kind.
     *
     * @param defaultCount the count when {@code recur.fuzz.count} is not set
     * @return the count
     */
    public static int count(int defaultCount) {
        return Integer.getInteger("recur.fuzz.count", defaultCount);
    }

    /**
     * Runs the cases of a kind.
     *
     * @param kind      the kind, for messages and the names of saved failures
     * @param seed      the kind's seed
     * @param count     the number of cases
     * @param generator makes each case
     * @param target    loads it
     * @param allowed   the exception types that may refuse a mutant (subclasses included)
     * @return what was found
     * @throws IOException if writing a case fails
     */
    public static Report run(String kind, long seed, int count, Generator generator, Target target,
                             Set<Class<? extends Throwable>> allowed) throws IOException {
        Report report = new Report(kind, seed);
        long maxAlloc = Long.getLong("recur.fuzz.maxAllocMiB", 64L) << 20;
        Integer only = Integer.getInteger("recur.fuzz.index");
        int from = only == null ? 0 : only;
        int to = only == null ? count : only + 1;
        long started = System.nanoTime();
        for (int i = from; i < to; i++) {
            Case c = generator.make(new Random(caseSeed(seed, i)), i);
            for (Map.Entry<Path, byte[]> f : c.files().entrySet()) {
                Files.write(f.getKey(), f.getValue());
            }
            long a0 = allocated();
            long t0 = System.nanoTime();
            Throwable thrown = null;
            try {
                target.load(c.target());
            } catch (Throwable t) {
                thrown = t;
            }
            long nanos = System.nanoTime() - t0;
            long alloc = allocated() - a0;
            report.cases++;
            report.maxNanos = Math.max(report.maxNanos, nanos);
            report.maxAllocated = Math.max(report.maxAllocated, alloc);
            String problem = null;
            if (thrown == null) {
                report.loaded++;
            } else if (!isAllowed(thrown, allowed)) {
                problem = thrown.getClass().getName() + where(thrown);
            } else if (thrown.getMessage() == null || thrown.getMessage().isBlank()) {
                problem = thrown.getClass().getSimpleName() + " without a message" + where(thrown);
            } else if (thrown.getMessage().indexOf('\n') >= 0 || thrown.getMessage().indexOf('\r') >= 0) {
                problem = thrown.getClass().getSimpleName() + " with a message of several lines" + where(thrown);
            } else {
                report.refused.merge(thrown.getClass().getSimpleName(), 1, Integer::sum);
            }
            if (problem == null && alloc > maxAlloc) {
                problem = "a case that allocated " + (alloc >> 20) + " MiB (bound " + (maxAlloc >> 20) + " MiB)";
            }
            if (problem != null) {
                report.failed++;
                Path saved = save(kind, seed, i, c);
                List<String> examples = report.failures.computeIfAbsent(problem, k -> new ArrayList<>());
                if (examples.size() < EXAMPLES) {
                    String message = thrown == null ? "" : String.valueOf(thrown.getMessage());
                    examples.add("seed " + seed + " index " + i + " (" + c.what() + "), saved to " + saved + ": "
                            + oneLine(message));
                }
            }
        }
        report.nanos = System.nanoTime() - started;
        System.out.println(report.summary());
        return report;
    }

    /** The seed of case {@code index}: a mix of the two, so that neighbouring cases are unrelated. */
    static long caseSeed(long seed, int index) {
        long z = seed + 0x9E3779B97F4A7C15L * (index + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static boolean isAllowed(Throwable t, Set<Class<? extends Throwable>> allowed) {
        for (Class<? extends Throwable> type : allowed) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** The first frame of recur's own code, where the exception was thrown or passed through. */
    private static String where(Throwable t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().startsWith("dev.recur.") && !e.getClassName().contains(".fuzz.")
                    && !e.getClassName().endsWith("FuzzTest")) {
                return " at " + e.getClassName().substring(e.getClassName().lastIndexOf('.') + 1) + "."
                        + e.getMethodName() + ":" + e.getLineNumber();
            }
        }
        return t.getStackTrace().length == 0 ? "" : " at " + t.getStackTrace()[0];
    }

    private static String oneLine(String s) {
        String line = s.replace("\r", "\\r").replace("\n", "\\n");
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    private static Path save(String kind, long seed, int index, Case c) throws IOException {
        Path dir = Path.of("target", "fuzz-failures", kind + "-" + seed + "-" + index);
        Files.createDirectories(dir);
        for (Map.Entry<Path, byte[]> f : c.files().entrySet()) {
            Files.write(dir.resolve(f.getKey().getFileName()), f.getValue());
        }
        return dir;
    }

    private static long allocated() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean bean
                && bean.isThreadAllocatedMemorySupported()) {
            return bean.getCurrentThreadAllocatedBytes();
        }
        return 0;
    }

    // ---------------------------------------------------------------------------------------------
    // Mutations

    /** Extreme values for 8- and 4-byte integers. */
    private static final long[] EXTREMES = {0, -1, 1L << 31, (1L << 31) - 1, Long.MAX_VALUE, Long.MIN_VALUE,
        1_000_000_000_000L, 1L << 32, 1L << 62, 255, 65_535};

    /** Bytes that mean something to a text format. */
    private static final byte[] SPECIAL = ",;\"'\n\r\t{}[]:\\ 0-.eE".getBytes(StandardCharsets.US_ASCII);

    /** Byte sequences worth inserting into text: a BOM, broken UTF-8, NUL, separators. */
    private static final byte[][] TOKENS = {
        {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, {(byte) 0xFF, (byte) 0xFE}, {(byte) 0xC3}, {(byte) 0xE2, (byte) 0x80},
        {0}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
        "\r\n".getBytes(StandardCharsets.US_ASCII), "\"\"".getBytes(StandardCharsets.US_ASCII),
        "NaN".getBytes(StandardCharsets.US_ASCII), "1e309".getBytes(StandardCharsets.US_ASCII),
        "-9223372036854775809".getBytes(StandardCharsets.US_ASCII), "\u2028".getBytes(StandardCharsets.UTF_8),
    };

    /**
     * Applies 1 to 4 byte-level mutations.
     *
     * @param bytes the seed (not modified)
     * @param seeds all seeds of the kind, for splicing
     * @param r     the random source
     * @param log   receives the names of the mutations
     * @return the mutant
     */
    public static byte[] mutateBytes(byte[] bytes, List<byte[]> seeds, Random r, List<String> log) {
        byte[] b = bytes.clone();
        int n = 1 + r.nextInt(4);
        for (int k = 0; k < n; k++) {
            b = mutateOnce(b, seeds, r, log);
        }
        return b;
    }

    private static byte[] mutateOnce(byte[] b, List<byte[]> seeds, Random r, List<String> log) {
        int op = r.nextInt(11);
        if (b.length == 0 && op != 2 && op != 6) {
            op = 2;
        }
        switch (op) {
            case 0 -> {
                int flips = 1 + r.nextInt(8);
                for (int i = 0; i < flips; i++) {
                    int at = r.nextInt(b.length);
                    b[at] ^= (byte) (1 << r.nextInt(8));
                }
                log.add("flip" + flips);
            }
            case 1 -> {
                b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                log.add("set");
            }
            case 2 -> {
                int at = r.nextInt(b.length + 1);
                byte[] ins = new byte[1 + r.nextInt(16)];
                for (int i = 0; i < ins.length; i++) {
                    ins[i] = r.nextBoolean() ? SPECIAL[r.nextInt(SPECIAL.length)] : (byte) r.nextInt(256);
                }
                b = insert(b, at, ins);
                log.add("insert@" + at);
            }
            case 3 -> {
                int at = r.nextInt(b.length);
                int len = Math.min(b.length - at, 1 + r.nextInt(r.nextBoolean() ? 8 : 256));
                b = delete(b, at, len);
                log.add("delete@" + at + "+" + len);
            }
            case 4 -> {
                int at = r.nextInt(b.length);
                int len = Math.min(b.length - at, 1 + r.nextInt(128));
                int to = r.nextInt(b.length + 1);
                b = insert(b, to, Arrays.copyOfRange(b, at, at + len));
                log.add("duplicate@" + at + "+" + len);
            }
            case 5 -> {
                int at = r.nextInt(b.length);
                b = Arrays.copyOf(b, at);
                log.add("truncate@" + at);
            }
            case 6 -> {
                byte[] other = seeds.get(r.nextInt(seeds.size()));
                int cut = b.length == 0 ? 0 : r.nextInt(b.length);
                int from = other.length == 0 ? 0 : r.nextInt(other.length);
                byte[] out = Arrays.copyOf(b, cut + other.length - from);
                System.arraycopy(other, from, out, cut, other.length - from);
                b = out;
                log.add("splice@" + cut);
            }
            case 7, 8 -> {
                int width = op == 7 ? 8 : 4;
                if (b.length < width) {
                    return mutateOnce(b, seeds, r, log);
                }
                // the length prefix of safetensors and the first integers of a header are the likeliest targets
                int at = r.nextInt(4) == 0 ? 0 : r.nextInt(b.length - width + 1);
                long v = EXTREMES[r.nextInt(EXTREMES.length)];
                ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
                if (width == 8) {
                    buf.putLong(at, v);
                } else {
                    buf.putInt(at, (int) v);
                }
                log.add("int" + width + "@" + at + "=" + v);
            }
            case 9 -> {
                int at = r.nextInt(b.length + 1);
                b = insert(b, at, TOKENS[r.nextInt(TOKENS.length)]);
                log.add("token@" + at);
            }
            default -> {
                // swap two chunks (for text: moves lines, cells and brackets around)
                int a = r.nextInt(b.length);
                int c = r.nextInt(b.length);
                int len = Math.min(Math.min(b.length - a, b.length - c), 1 + r.nextInt(64));
                byte[] x = Arrays.copyOfRange(b, a, a + len);
                System.arraycopy(b, c, b, a, len);
                System.arraycopy(x, 0, b, c, len);
                log.add("swap");
            }
        }
        return b;
    }

    private static byte[] insert(byte[] b, int at, byte[] ins) {
        byte[] out = new byte[b.length + ins.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(ins, 0, out, at, ins.length);
        System.arraycopy(b, at, out, at + ins.length, b.length - at);
        return out;
    }

    private static byte[] delete(byte[] b, int at, int len) {
        byte[] out = new byte[b.length - len];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(b, at + len, out, at, b.length - at - len);
        return out;
    }

    /** Marks a string value that stands for a raw token (a JSON number or word that no tree can hold). */
    private static final String RAW = "\u0001raw\u0001";

    /** Number tokens: huge, negative, fractional, NaN-like, out of every integer range. */
    private static final String[] NUMBERS = {"0", "-1", "1", "2147483648", "-2147483649", "9223372036854775807",
        "9223372036854775808", "-9223372036854775809", "1000000000000", "1e12", "1e309", "-1e309", "1.5", "-0",
        "0.0", "1e-400", "99999999999999999999999999999", "NaN", "Infinity", "-Infinity", "4294967296", "65536"};

    /** Strings: empty, with line breaks and control characters (as JSON escapes), long, numeric. */
    private static final String[] STRINGS = {"", "\n", "a\nb", "\r\n", "\u0000", "\t", "\u2028", "x".repeat(300),
        "1", "-1", "null", "float16", "F16", "lstm", "sequence_model", "model-00000001.safetensors",
        "../model-00000001.safetensors", "\uD800", "\uFFFF", "1970-01-01T00:00:00Z", "9999-99-99T99:99:99Z"};

    /**
     * Mutates a JSON document as a tree (1 to 3 edits), then writes it compact or indented.
     *
     * @param json the seed, a valid JSON document
     * @param r    the random source
     * @param log  receives the names of the edits
     * @return the mutant's text
     * @throws IOException if the seed is not JSON
     */
    public static String mutateJson(ObjectMapper mapper, byte[] json, Random r, List<String> log) throws IOException {
        JsonNode root = mapper.readTree(json);
        int n = 1 + r.nextInt(3);
        for (int k = 0; k < n; k++) {
            List<JsonNode> containers = new ArrayList<>();
            collect(root, containers);
            JsonNode parent = containers.get(r.nextInt(containers.size()));
            editContainer(parent, r, log);
        }
        String text = r.nextBoolean() ? mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root)
                : mapper.writeValueAsString(root);
        // raw tokens: "\u0001raw\u0001TOKEN" as a JSON string becomes TOKEN
        StringBuilder out = new StringBuilder();
        int at = 0;
        String marker = "\"\\u0001raw\\u0001";
        for (int i = text.indexOf(marker); i >= 0; i = text.indexOf(marker, at)) {
            int end = text.indexOf('"', i + marker.length());
            out.append(text, at, i).append(text, i + marker.length(), end);
            at = end + 1;
        }
        return out.append(text.substring(at)).toString();
    }

    private static void collect(JsonNode node, List<JsonNode> out) {
        if (node.isContainerNode()) {
            out.add(node);
            for (JsonNode child : node) {
                collect(child, out);
            }
        }
    }

    private static void editContainer(JsonNode parent, Random r, List<String> log) {
        int size = parent.size();
        if (parent instanceof ObjectNode o) {
            List<String> keys = new ArrayList<>();
            o.fieldNames().forEachRemaining(keys::add);
            if (keys.isEmpty() || r.nextInt(8) == 0) {
                o.set(keys.isEmpty() || r.nextBoolean() ? "extra" : keys.get(r.nextInt(keys.size())) + "_",
                        randomValue(null, r));
                log.add("add-key");
                return;
            }
            String key = keys.get(r.nextInt(keys.size()));
            if (r.nextInt(5) == 0) {
                o.remove(key);
                log.add("delete " + key);
            } else {
                o.set(key, randomValue(o.get(key), r));
                log.add("replace " + key);
            }
        } else if (parent instanceof ArrayNode a) {
            int op = r.nextInt(5);
            if (size == 0 || op == 0) {
                a.add(randomValue(size == 0 ? null : a.get(0), r));
                log.add("append");
            } else if (op == 1) {
                a.remove(r.nextInt(size));
                log.add("remove element");
            } else if (op == 2) {
                a.removeAll();
                log.add("empty array");
            } else {
                int i = r.nextInt(size);
                a.set(i, randomValue(a.get(i), r));
                log.add("replace element " + i);
            }
        }
    }

    private static JsonNode randomValue(JsonNode old, Random r) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        int choice = r.nextInt(10);
        if (old != null && old.isNumber() && choice < 6) {
            return f.textNode(RAW + NUMBERS[r.nextInt(NUMBERS.length)]);
        }
        if (old != null && old.isTextual() && choice < 5) {
            return f.textNode(STRINGS[r.nextInt(STRINGS.length)]);
        }
        if (old != null && old.isArray() && choice < 3) {
            ArrayNode a = f.arrayNode();
            int n = r.nextInt(4);
            for (int i = 0; i < n; i++) {
                a.add(f.textNode(RAW + NUMBERS[r.nextInt(NUMBERS.length)]));
            }
            return a;
        }
        return switch (r.nextInt(8)) {
            case 0 -> f.nullNode();
            case 1 -> f.booleanNode(r.nextBoolean());
            case 2 -> f.textNode(RAW + NUMBERS[r.nextInt(NUMBERS.length)]);
            case 3 -> f.textNode(STRINGS[r.nextInt(STRINGS.length)]);
            case 4 -> f.arrayNode();
            case 5 -> f.objectNode();
            case 6 -> f.arrayNode().add(f.textNode(RAW + NUMBERS[r.nextInt(NUMBERS.length)]));
            default -> old == null ? f.nullNode() : old.deepCopy();
        };
    }
}
