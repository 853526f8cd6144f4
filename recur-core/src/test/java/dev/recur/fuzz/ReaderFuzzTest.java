package dev.recur.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.recur.charlm.CharModelRun;
import dev.recur.charlm.CharModelSettings;
import dev.recur.checkpoint.Checkpoint;
import dev.recur.checkpoint.Manifest;
import dev.recur.checkpoint.ManifestFormat;
import dev.recur.classify.LabeledData;
import dev.recur.data.CorpusFormatException;
import dev.recur.data.TextCorpus;
import dev.recur.data.table.FillPolicy;
import dev.recur.data.table.Tables;
import dev.recur.forecast.ForecastSpec;
import dev.recur.forecast.Series;
import dev.recur.io.FormatException;
import dev.recur.io.SafetensorsFile;
import dev.recur.io.TensorEntry;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.tensor.Precision;
import dev.recur.train.TinyCorpus;
import dev.recur.train.TrainingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutation fuzzing of the readers of users' files (see {@link Fuzzing}): safetensors files, checkpoint
 * manifests (read alone and with the whole checkpoint), checkpoints whose tensor files are mutated and
 * re-hashed, tables (CSV, TSV, JSON Lines, read into series and labelled data) and text corpora. Every
 * mutant must load or be refused with {@link FormatException} (a corpus: {@link CorpusFormatException})
 * and a one-line message. {@code -Drecur.fuzz.count=N} cases per kind; the {@code fuzz} profile runs
 * 10,000 of each under a small heap.
 */
class ReaderFuzzTest {

    /** Cases per kind in the default build: a few seconds in all. */
    private static final int DEFAULT_COUNT = 200;

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    // ---------------------------------------------------------------------------------------------
    // safetensors

    @Test
    void safetensors() throws IOException {
        List<byte[]> seeds = new ArrayList<>();
        for (String name : List.of("rnn_tanh_1l_uni_t1_b1", "gru_1l_uni_t1_b1", "lstm_1l_uni_t1_b1",
                "packed_gru_1l_uni_b5", "lstm_nobias_1l_bi_t4_b2")) {
            seeds.add(resource("/golden/cases/" + name + ".safetensors"));
        }
        seeds.add(resource("/compat/v1/gru-v1/trainer-00000005.safetensors"));
        seeds.add(resource("/compat/v1/lstm-v1/optimizer-00000006.safetensors"));
        Path file = tmp.resolve("fuzz.safetensors");
        Fuzzing.Report report = Fuzzing.run("safetensors", 0x5AFE_7E45L, Fuzzing.count(DEFAULT_COUNT),
                (r, i) -> {
                    List<String> log = new ArrayList<>();
                    int s = r.nextInt(seeds.size());
                    return Fuzzing.Case.of(file, mutateSafetensors(seeds.get(s), seeds, r, log), "seed file " + s
                            + ": " + log);
                },
                ReaderFuzzTest::readSafetensors, Set.of(FormatException.class));
        check(report);
    }

    /** Reads a safetensors file and every tensor and metadata value in it. */
    private static void readSafetensors(Path file) throws IOException {
        SafetensorsFile f = SafetensorsFile.read(file);
        f.metadata().keySet().forEach(f::metadata);
        for (TensorEntry e : f.entries()) {
            if (e.dtype().isFloatingPoint()) {
                f.doubles(e.name());
                f.floats(e.name());
            } else {
                f.longs(e.name());
            }
            f.bytes(e.name());
        }
    }

    /**
     * A safetensors mutant: half of them with the header edited as JSON and re-encoded with a correct length
     * prefix (so that the reader gets past the prefix to the checks of the entries), the rest byte-level.
     */
    static byte[] mutateSafetensors(byte[] seed, List<byte[]> seeds, Random r, List<String> log) throws IOException {
        if (r.nextBoolean()) {
            return Fuzzing.mutateBytes(seed, seeds, r, log);
        }
        long n = ByteBuffer.wrap(seed).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        byte[] header = Arrays.copyOfRange(seed, 8, 8 + (int) n);
        byte[] mutated = Fuzzing.mutateJson(JSON, header, r, log).getBytes(StandardCharsets.UTF_8);
        boolean keepPrefix = r.nextInt(5) == 0;
        ByteBuffer out = ByteBuffer.allocate(8 + mutated.length + seed.length - 8 - (int) n)
                .order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(keepPrefix ? n : mutated.length).put(mutated).put(seed, 8 + (int) n, seed.length - 8 - (int) n);
        byte[] b = out.array();
        return r.nextInt(4) == 0 ? Fuzzing.mutateBytes(b, seeds, r, log) : b;
    }

    // ---------------------------------------------------------------------------------------------
    // checkpoint manifests, and checkpoints

    /** Run folders to mutate: two trained here (format version 2) and the two of version 1. */
    private List<Path> runs() throws IOException {
        List<Path> runs = new ArrayList<>();
        runs.add(train("lstm", CellKind.LSTM, 1));
        runs.add(train("gru", CellKind.GRU, 2));
        for (String v1 : List.of("gru-v1", "lstm-v1")) {
            Path src = Path.of("src/test/resources/compat/v1", v1);
            Path dst = Files.createDirectories(tmp.resolve(v1));
            try (Stream<Path> files = Files.list(src)) {
                for (Path f : files.toList()) {
                    Files.copy(f, dst.resolve(f.getFileName()));
                }
            }
            runs.add(dst);
        }
        return runs;
    }

    private Path train(String name, CellKind cell, int layers) throws IOException {
        CharModelSettings.Builder b = CharModelSettings.builder().cell(cell).embeddingDim(4).hiddenSize(8)
                .layers(layers).batch(2).seq(8);
        CharModelSettings settings = b.train(b.train().toBuilder().steps(2).evalEvery(0).checkpointEvery(0)
                .threads(1).build()).build();
        Path run = tmp.resolve(name);
        CharModelRun.start(settings, Precision.F32, TinyCorpus.english(400)).checkpointInto(run,
                Checkpoint.WriteHook.NONE).trainer().train(TrainingListener.NONE);
        // the times of the run, fixed: the seeds, and so every case, are then the same from one build to the next
        Path file = run.resolve(Manifest.FILE);
        ObjectNode manifest = (ObjectNode) JSON.readTree(file.toFile());
        manifest.put("saved", "2024-01-01T00:00:00Z");
        ((ObjectNode) manifest.get("provenance")).put("run_started", "2024-01-01T00:00:00Z");
        if (manifest.get("training") instanceof ObjectNode training && training.has("train_seconds")) {
            training.put("train_seconds", 1.0);
        }
        Files.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
        ManifestFormat.read(run);
        return run;
    }

    @Test
    void manifests() throws IOException {
        List<Path> runs = runs();
        List<byte[]> seeds = new ArrayList<>();
        for (Path run : runs) {
            seeds.add(Files.readAllBytes(run.resolve(Manifest.FILE)));
        }
        Fuzzing.Report report = Fuzzing.run("manifest", 0x3A41_FE57L, Fuzzing.count(DEFAULT_COUNT),
                (r, i) -> {
                    List<String> log = new ArrayList<>();
                    int s = r.nextInt(seeds.size());
                    byte[] b = r.nextInt(10) < 7
                            ? Fuzzing.mutateJson(JSON, seeds.get(s), r, log).getBytes(StandardCharsets.UTF_8)
                            : Fuzzing.mutateBytes(seeds.get(s), seeds, r, log);
                    if (r.nextInt(10) == 0) {
                        b = Fuzzing.mutateBytes(b, seeds, r, log);
                    }
                    return Fuzzing.Case.of(runs.get(s).resolve(Manifest.FILE), b, "run " + s + ": " + log);
                },
                file -> {
                    Path dir = file.getParent();
                    ManifestFormat.read(dir);
                    Checkpoint.loadModel(dir, Precision.F32, false);
                    Checkpoint.load(dir, Precision.F64);
                }, Set.of(FormatException.class));
        check(report);
    }

    @Test
    void checkpoints() throws IOException {
        List<Path> runs = runs();
        List<Map<Path, byte[]>> originals = new ArrayList<>();
        List<byte[]> tensorSeeds = new ArrayList<>();
        for (Path run : runs) {
            Map<Path, byte[]> files = new LinkedHashMap<>();
            for (Manifest.FileRef ref : ManifestFormat.read(run).files().values()) {
                files.put(run.resolve(ref.name()), Files.readAllBytes(run.resolve(ref.name())));
                tensorSeeds.add(files.get(run.resolve(ref.name())));
            }
            files.put(run.resolve(Manifest.FILE), Files.readAllBytes(run.resolve(Manifest.FILE)));
            originals.add(files);
        }
        Fuzzing.Report report = Fuzzing.run("checkpoint", 0xC4EC_4B01L, Fuzzing.count(DEFAULT_COUNT),
                (r, i) -> {
                    List<String> log = new ArrayList<>();
                    int s = r.nextInt(runs.size());
                    Path run = runs.get(s);
                    Map<Path, byte[]> files = new LinkedHashMap<>(originals.get(s));
                    ObjectNode manifest = (ObjectNode) JSON.readTree(files.get(run.resolve(Manifest.FILE)));
                    List<String> roles = new ArrayList<>();
                    manifest.get("files").fieldNames().forEachRemaining(roles::add);
                    String role = roles.get(r.nextInt(roles.size()));
                    ObjectNode ref = (ObjectNode) manifest.get("files").get(role);
                    Path tensors = run.resolve(ref.get("name").asText());
                    byte[] mutated = mutateSafetensors(files.get(tensors), tensorSeeds, r, log);
                    files.put(tensors, mutated);
                    // the manifest vouches for the mutant, so that the load gets past the checksum
                    ref.put("sha256", Checkpoint.sha256(mutated));
                    ref.put("bytes", (long) mutated.length);
                    files.put(run.resolve(Manifest.FILE), JSON.writeValueAsBytes(manifest));
                    return new Fuzzing.Case(files, run, "run " + s + ", " + role + ": " + log);
                },
                dir -> {
                    Checkpoint.loadModel(dir, Precision.F32, false);
                    Checkpoint.load(dir, Precision.F64);
                }, Set.of(FormatException.class));
        check(report);
    }

    // ---------------------------------------------------------------------------------------------
    // tables

    @Test
    void tables() throws IOException {
        Path data = Path.of("..", "data");
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("nile.csv", Files.readAllBytes(data.resolve("series/nile.csv")));
        seeds.put("sunspots.tsv", lines(data.resolve("series/sunspots-yearly.csv"), 120).replace(',', '\t')
                .getBytes(StandardCharsets.UTF_8));
        seeds.put("co2.jsonl", jsonLines(lines(data.resolve("series/co2-monthly.csv"), 60)));
        seeds.put("digits.csv", lines(data.resolve("handwriting/digits-rows.csv"), 81).getBytes(StandardCharsets.UTF_8));
        seeds.put("sotu.csv", lines(data.resolve("text/sotu-century.csv"), 40).getBytes(StandardCharsets.UTF_8));
        seeds.put("digits.jsonl", jsonLines(lines(data.resolve("handwriting/digits-rows.csv"), 41)));
        List<String> names = new ArrayList<>(seeds.keySet());
        List<byte[]> all = new ArrayList<>(seeds.values());
        Path dir = Files.createDirectories(tmp.resolve("tables"));
        List<String> pixels = List.of("p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7");
        Fuzzing.Report report = Fuzzing.run("table", 0x7AB1_E5C5L, Fuzzing.count(DEFAULT_COUNT),
                (r, i) -> {
                    List<String> log = new ArrayList<>();
                    String name = names.get(r.nextInt(names.size()));
                    byte[] b = Fuzzing.mutateBytes(seeds.get(name), all, r, log);
                    return Fuzzing.Case.of(dir.resolve(name), b, name + ": " + log);
                },
                file -> {
                    String name = file.getFileName().toString();
                    Tables.read(file);
                    switch (name) {
                        case "nile.csv" -> Series.read(file, spec("year", "flow", FillPolicy.NONE));
                        case "sunspots.tsv" -> Series.read(file, spec("year", "sunspots", FillPolicy.LINEAR));
                        case "co2.jsonl" -> Series.read(file, spec("month", "co2", FillPolicy.PREVIOUS));
                        case "sotu.csv" -> LabeledData.texts(file, "text", "label", true);
                        default -> LabeledData.sequences(file, "id", "step", pixels, "label", true);
                    }
                }, Set.of(FormatException.class));
        check(report);
    }

    private static ForecastSpec spec(String time, String target, FillPolicy fill) {
        return new ForecastSpec(time, List.of(target), List.of(), 4, 1, 1, fill, 0.2, 0.2, 0.9);
    }

    private static String lines(Path file, int count) throws IOException {
        try (Stream<String> lines = Files.lines(file)) {
            return String.join("\n", lines.limit(count).toList()) + "\n";
        }
    }

    /** A CSV of plain cells (no quotes) as JSON Lines, numbers as numbers. */
    private static byte[] jsonLines(String csv) {
        String[] rows = csv.split("\n");
        String[] header = rows[0].split(",");
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i < rows.length; i++) {
            String[] cells = rows[i].split(",");
            sb.append('{');
            for (int c = 0; c < header.length; c++) {
                boolean number = cells[c].matches("-?[0-9.]+");
                sb.append(c == 0 ? "" : ", ").append('"').append(header[c]).append("\": ")
                        .append(number ? cells[c] : "\"" + cells[c] + "\"");
            }
            sb.append("}\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------------------------------------
    // corpora

    @Test
    void corpora() throws IOException {
        List<byte[]> seeds = List.of(resource("/compat/v1/corpus.txt"),
                TinyCorpus.beyondBmp(300).text().getBytes(StandardCharsets.UTF_8),
                lines(Path.of("..", "data", "text", "sotu-century.csv"), 20).getBytes(StandardCharsets.UTF_8));
        Path file = tmp.resolve("corpus.txt");
        Fuzzing.Report report = Fuzzing.run("corpus", 0xC0_4F05L, Fuzzing.count(DEFAULT_COUNT),
                (r, i) -> {
                    List<String> log = new ArrayList<>();
                    int s = r.nextInt(seeds.size());
                    return Fuzzing.Case.of(file, Fuzzing.mutateBytes(seeds.get(s), seeds, r, log), "seed " + s + ": "
                            + log);
                },
                f -> {
                    // the reader only: splitting a corpus of one character is refused where the split is asked
                    // for, with an IllegalArgumentException (a usage error, as for a value given directly)
                    TextCorpus corpus = TextCorpus.load(f);
                    corpus.encode(corpus.vocabulary());
                }, Set.of(CorpusFormatException.class));
        check(report);
    }

    // ---------------------------------------------------------------------------------------------

    private static void check(Fuzzing.Report report) {
        assertEquals(0, report.failed(), () -> report.summary() + report.failures());
        assertTrue(report.cases() > 0, "no cases ran");
    }

    private static byte[] resource(String name) {
        try (var in = ReaderFuzzTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
