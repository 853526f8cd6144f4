package dev.recur.tensor;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where the {@link GemmTuning} in effect comes from: the {@value #PROPERTY} system property (a forced
 * setting, {@link GemmTuning#parse}), else the file {@code recur tune} wrote for this machine in the
 * user's cache folder, else {@link GemmTuning#DEFAULT}. The file is named after this machine (the
 * CPU model, the architecture, the processor count and the JVM version) and holds that key, so a
 * file made on another machine or JVM is not used; a file that cannot be read or is out of range is
 * passed over, and {@link Resolved#source()} says why. The tuning never changes a result, so a lost
 * or stale file only costs speed.
 *
 * <p>The cache folder is the {@value #DIR_PROPERTY} system property, else {@code $XDG_CACHE_HOME/recur}
 * (an absolute path; a relative one is ignored, as the XDG specification says),
 * else {@code ~/Library/Caches/recur} on macOS, {@code %LOCALAPPDATA%\recur} on Windows and
 * {@code ~/.cache/recur} elsewhere.
 *
 * <p>Thread-safe: the tuning in effect is resolved once per JVM, on first use; the other methods
 * read the environment or their arguments only.
 */
public final class GemmTuningCache {

    /** System property that forces a tuning, in {@link GemmTuning#toString()}'s form. */
    public static final String PROPERTY = "recur.gemm";
    /** System property naming the cache folder. */
    public static final String DIR_PROPERTY = "recur.cache.dir";
    /** The {@code format} field of a tuning file. */
    public static final String FORMAT = "recur-gemm-tuning";
    /** The version of the tuning file written here. */
    public static final int VERSION = 1;
    /** A tuning file is a few hundred bytes; a larger one is not read. */
    private static final long MAX_BYTES = 1 << 16;
    /** Strict: a duplicate key or anything after the object is refused, not read past. */
    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private GemmTuningCache() {
    }

    /**
     * A tuning and where it came from.
     *
     * @param tuning the tuning
     * @param source {@code "default"}, {@code "recur.gemm property"}, {@code "cache FILE"}, or
     *               {@code "default (... passed over: REASON)"}
     */
    public record Resolved(GemmTuning tuning, String source) {
    }

    private static final class InEffect {
        static final Resolved VALUE = resolve();
    }

    /** The tuning of this JVM's {@link Precision} constants: resolved on first use, then fixed. */
    public static Resolved inEffect() {
        return InEffect.VALUE;
    }

    /**
     * Resolves the tuning now, from the property, the cache file or the default, as
     * {@link #inEffect()} did on first use. A property that is not understood is passed over like
     * a bad file, {@link Resolved#source()} saying why.
     */
    public static Resolved resolve() {
        String forced = System.getProperty(PROPERTY);
        if (forced != null && !forced.isBlank()) {
            try {
                return new Resolved(GemmTuning.parse(forced), PROPERTY + " property");
            } catch (IllegalArgumentException e) {
                return new Resolved(GemmTuning.DEFAULT, "default (" + PROPERTY + " property passed over: "
                        + e.getMessage() + ")");
            }
        }
        Path file;
        try {
            file = file();
        } catch (RuntimeException e) {
            return new Resolved(GemmTuning.DEFAULT, "default (no cache folder: " + e.getMessage() + ")");
        }
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return new Resolved(GemmTuning.DEFAULT, "default");
        }
        try {
            return new Resolved(read(file), "cache " + file);
        } catch (IOException | RuntimeException e) {
            return new Resolved(GemmTuning.DEFAULT, "default (cache " + file + " passed over: " + e.getMessage() + ")");
        }
    }

    /**
     * This machine as the tuning sees it: CPU model, architecture, processor count, JVM.
     * Another key means another file.
     */
    public static String machine() {
        return cpuModel() + "; " + System.getProperty("os.arch") + "; "
                + Runtime.getRuntime().availableProcessors() + " processors; "
                + System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version");
    }

    /** The CPU's model name: {@code /proc/cpuinfo}'s on Linux, else the environment's, else "unknown CPU". */
    static String cpuModel() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            try (InputStream in = Files.newInputStream(cpuinfo)) {
                String text = new String(in.readNBytes(1 << 16), StandardCharsets.UTF_8);
                for (String line : text.split("\n")) {
                    if (line.startsWith("model name") && line.indexOf(':') > 0) {
                        return line.substring(line.indexOf(':') + 1).trim();
                    }
                }
            } catch (IOException e) {
                // fall through to the environment
            }
        }
        String id = System.getenv("PROCESSOR_IDENTIFIER");
        return id != null && !id.isBlank() ? id.trim() : "unknown CPU";
    }

    /** The user's cache folder for recur (see the class comment); it need not exist. */
    public static Path cacheDir() {
        String dir = System.getProperty(DIR_PROPERTY);
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir);
        }
        Optional<Path> xdg = xdgCacheDir(System.getenv("XDG_CACHE_HOME"));
        if (xdg.isPresent()) {
            return xdg.get();
        }
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String local = System.getenv("LOCALAPPDATA");
        if (os.startsWith("windows") && local != null && !local.isBlank()) {
            return Path.of(local, "recur");
        }
        Path home = Path.of(System.getProperty("user.home"));
        return os.startsWith("mac") ? home.resolve("Library/Caches/recur") : home.resolve(".cache/recur");
    }

    /**
     * {@code $XDG_CACHE_HOME/recur}, if the variable holds an absolute path: the XDG base directory
     * specification calls a relative one invalid, to be ignored.
     */
    static Optional<Path> xdgCacheDir(String xdgCacheHome) {
        return xdgCacheHome != null && !xdgCacheHome.isBlank() && Path.of(xdgCacheHome).isAbsolute()
                ? Optional.of(Path.of(xdgCacheHome, "recur")) : Optional.empty();
    }

    /**
     * Makes {@link #cacheDir()} if it is missing and checks that it can be written: called before
     * a tuning pass, so that one that cannot keep its result is refused before it spends its time.
     *
     * @return the folder
     * @throws FileSystemException naming the folder, if it cannot be made or written
     */
    public static Path requireWritableCacheDir() throws IOException {
        Path dir = cacheDir();
        String found;
        try {
            Files.createDirectories(dir);
            if (Files.isWritable(dir)) {
                return dir;
            }
            found = "one this user cannot write into";
        } catch (FileAlreadyExistsException e) {
            found = "a file of that name, or a link to nothing";
        } catch (FileSystemException e) {
            String reason = e.getReason() != null ? e.getReason()
                    : e instanceof NoSuchFileException ? "no such file or directory"
                    : e instanceof AccessDeniedException ? "permission denied"
                    : e.getClass().getSimpleName();
            found = "that it cannot be made (" + reason + (dir.toString().equals(e.getFile()) ? "" : " at "
                    + e.getFile()) + ")";
        }
        throw new FileSystemException(dir.toString(), null, "expected a folder recur can write its "
                + "tuning into, found " + found + "; likely cause: a read-only home or a path that is a file; choose "
                + "another with -D" + DIR_PROPERTY + "=DIR in JAVA_OPTS or with XDG_CACHE_HOME");
    }

    /** This machine's tuning file: {@code gemm-tuning-<first 16 hex digits of SHA-256(machine())>.json}. */
    public static Path file() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(machine().getBytes(StandardCharsets.UTF_8));
            return cacheDir().resolve("gemm-tuning-" + HexFormat.of().formatHex(digest, 0, 8) + ".json");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    /**
     * The content of a tuning file for this machine: the tuning, the machine key, and what the
     * measurements found ({@code trials}: each setting tried and its GFLOP/s, kept for people; not
     * read back).
     */
    public static byte[] toJson(GemmTuning tuning, double defaultGflops, double chosenGflops,
                                List<GemmTuner.Trial> trials) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("machine", machine());
        root.put("kc", tuning.innerBlock());
        root.put("mc", tuning.rowBlock());
        root.put("tile", tuning.tileRows());
        root.put("parallel", tuning.parallelFlops());
        root.put("strips", tuning.stripPanels());
        root.put("default_gflops", defaultGflops);
        root.put("chosen_gflops", chosenGflops);
        var list = root.putArray("trials");
        for (GemmTuner.Trial t : trials) {
            list.addObject().put("setting", t.tuning().toString()).put("gflops", t.gflops());
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads a tuning file written for this machine.
     *
     * @throws IOException saying what was expected and found: not a regular file, too large, not
     *                     JSON, another format or version, another machine, a field missing or out of range
     */
    public static GemmTuning read(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isRegularFile()) {
            throw new IOException("expected a regular file, found " + (a.isSymbolicLink() ? "a symbolic link"
                    : a.isDirectory() ? "a folder" : "a special file"));
        }
        if (a.size() > MAX_BYTES) {
            throw new IOException("expected at most " + MAX_BYTES + " bytes, found " + a.size());
        }
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            throw new IOException("expected JSON, found a file that does not parse ("
                    + e.getOriginalMessage().lines().findFirst().orElse("").strip() + ")", e);
        }
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText())) {
            throw new IOException("expected a JSON object with \"format\": \"" + FORMAT + "\"");
        }
        if (!root.path("version").isInt() || root.path("version").intValue() != VERSION) {
            throw new IOException("expected version " + VERSION + ", found " + root.path("version"));
        }
        if (!machine().equals(root.path("machine").asText())) {
            throw new IOException("expected the machine '" + machine() + "', found '" + root.path("machine").asText()
                    + "' (tuned on another CPU or JVM: run recur tune again)");
        }
        try {
            long kc = wholeNumber(root, "kc", null);
            long mc = wholeNumber(root, "mc", null);
            long tile = wholeNumber(root, "tile", null);
            long parallel = wholeNumber(root, "parallel", null);
            // files from before strips existed leave it out: the default's applies, as in GemmTuning.parse
            long strips = wholeNumber(root, "strips", (long) GemmTuning.DEFAULT.stripPanels());
            return new GemmTuning(Math.toIntExact(kc), Math.toIntExact(mc), Math.toIntExact(tile), parallel,
                    Math.toIntExact(strips));
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * The whole number at {@code key}, or {@code missing} where the file leaves it out (null: it
     * must be there).
     *
     * @throws IOException {@code expected a whole number for "KEY", found ...}
     */
    private static long wholeNumber(JsonNode root, String key, Long missing) throws IOException {
        JsonNode v = root.path(key);
        if (v.isMissingNode() && missing != null) {
            return missing;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new IOException("expected a whole number for \"" + key + "\", found " + v);
        }
        return v.asLong();
    }
}
