package dev.recur.classify;

import dev.recur.data.table.Table;
import dev.recur.data.table.Tables;
import dev.recur.io.FormatException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Examples to classify as a user's files hold them: texts, or numeric sequences {@code [T, F]}, each
 * with its label (null where a file has none) and where it came from (a line or a file, for
 * messages). The lists are unmodifiable; the sequences' arrays are kept, not copied: safe to share
 * between threads as long as no one writes into them (nothing in recur does).
 *
 * @param source    the file or folder read
 * @param texts     the texts, or null for numeric sequences
 * @param sequences the sequences ({@code [T·F]} row-major), or null for texts
 * @param width     {@code F}, or 0 for texts
 * @param features  the feature columns' names of sequences (in order), or null
 * @param labels    one label per example, or null when the data has none
 * @param where     one place per example, e.g. {@code line 12} or a file name
 * @param sha256    the SHA-256 of the data as read (of a folder: of its files' names and bytes), or
 *                  null for data made in memory
 */
public record LabeledData(Path source, List<String> texts, List<double[]> sequences, int width, List<String> features,
                          List<String> labels, List<String> where, String sha256) {

    /** The most bytes a text file of a folder data set may hold (larger ones are refused). */
    static final long MAX_TEXT_FILE = 16L << 20;

    /**
     * Keeps unmodifiable copies of the lists.
     *
     * @param source    the source
     * @param texts     the texts, or null
     * @param sequences the sequences, or null
     * @param width     the width
     * @param features  the feature names, or null
     * @param labels    the labels, or null
     * @param where     the places
     * @param sha256    the data's SHA-256, or null
     */
    public LabeledData {
        texts = texts == null ? null : List.copyOf(texts);
        features = features == null ? null : List.copyOf(features);
        sequences = sequences == null ? null : List.copyOf(sequences);
        labels = labels == null ? null : java.util.Collections.unmodifiableList(new ArrayList<>(labels));
        where = List.copyOf(where);
    }

    /** The number of examples. */
    public int size() {
        return where.size();
    }

    /** Whether the examples are texts (else numeric sequences). */
    public boolean isText() {
        return texts != null;
    }

    /**
     * Texts and labels from two columns of a CSV or JSON Lines file.
     *
     * @param file          the file
     * @param textColumn    the text column
     * @param labelColumn   the label column
     * @param requireLabels whether the label column must be there (else labels are read when it is)
     * @return the data
     * @throws FormatException if a column is missing or a cell is empty (naming the line)
     * @throws IOException     if the file cannot be read
     */
    public static LabeledData texts(Path file, String textColumn, String labelColumn, boolean requireLabels)
            throws IOException {
        Table t = Tables.read(file);
        List<String> texts = t.strings(textColumn);
        List<String> labels = requireLabels || t.hasColumn(labelColumn) ? t.strings(labelColumn) : null;
        List<String> where = new ArrayList<>();
        for (int r = 0; r < t.rows(); r++) {
            where.add("line " + t.line(r));
        }
        return new LabeledData(file, texts, null, 0, null, labels, where, t.sha256());
    }

    /**
     * Texts from a folder with one subfolder per label, each file one example (Keras'
     * {@code text_dataset_from_directory} layout); files and folders in name order, hidden ones skipped.
     *
     * @param dir the folder
     * @return the data
     * @throws FormatException if a file is not UTF-8 or too large, or there are fewer than two labels
     * @throws IOException     if a file cannot be read
     */
    public static LabeledData folder(Path dir) throws IOException {
        List<String> texts = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        List<String> where = new ArrayList<>();
        java.security.MessageDigest digest = newDigest();
        for (Path f : labelledFiles(dir)) {
            long size = Files.size(f);
            if (size > MAX_TEXT_FILE) {
                throw new FormatException(f, "a text file of at most " + MAX_TEXT_FILE + " bytes", size
                        + " bytes", "a file that is not one example (e.g. an archive) in the label folder");
            }
            byte[] bytes = Files.readAllBytes(f);
            // the digest of the data set: each file's relative name, a NUL, its length and its bytes
            digest.update((dir.relativize(f) + "\0" + bytes.length + "\0").getBytes(StandardCharsets.UTF_8));
            digest.update(bytes);
            try {
                String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
                texts.add(text.startsWith("\uFEFF") ? text.substring(1) : text);
            } catch (CharacterCodingException e) {
                throw new FormatException(f, "UTF-8 text", "bytes that are not UTF-8",
                        "a file saved in another encoding (e.g. Latin-1 or UTF-16); re-save it as UTF-8");
            }
            labels.add(f.getParent().getFileName().toString());
            where.add(dir.relativize(f).toString());
        }
        return new LabeledData(dir, texts, null, 0, null, labels, where,
                java.util.HexFormat.of().formatHex(digest.digest()));
    }

    /**
     * Numeric sequences from a folder with one subfolder per label, each file one example: a table
     * (CSV, TSV or JSON Lines, {@link Tables#read}) with a header and one row per step.
     *
     * @param dir      the folder
     * @param features the feature columns, in order (null: every column of the first file)
     * @return the data
     * @throws FormatException if a file is not such a table, lacks a feature column or has a cell
     *                         that is not a number (naming the file and line), or there are fewer
     *                         than two labels
     * @throws IOException     if a file cannot be read
     */
    public static LabeledData sequenceFolder(Path dir, List<String> features) throws IOException {
        List<double[]> sequences = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        List<String> where = new ArrayList<>();
        java.security.MessageDigest digest = newDigest();
        for (Path f : labelledFiles(dir)) {
            Table t = Tables.read(f);
            if (features == null) {
                features = t.columns();
            }
            double[][] cols = new double[features.size()][];
            for (int c = 0; c < cols.length; c++) {
                cols[c] = t.numbers(features.get(c), dev.recur.data.table.FillPolicy.NONE);
            }
            double[] x = new double[t.rows() * cols.length];
            for (int r = 0; r < t.rows(); r++) {
                for (int c = 0; c < cols.length; c++) {
                    x[r * cols.length + c] = cols[c][r];
                }
            }
            digest.update((dir.relativize(f) + "\0" + t.sha256() + "\0").getBytes(StandardCharsets.UTF_8));
            sequences.add(x);
            labels.add(f.getParent().getFileName().toString());
            where.add(dir.relativize(f).toString());
        }
        return new LabeledData(dir, null, sequences, features.size(), features, labels, where,
                java.util.HexFormat.of().formatHex(digest.digest()));
    }

    /** The regular files of a folder's label subfolders, in name order, hidden ones skipped. */
    private static List<Path> labelledFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new FormatException(dir, "a folder with one subfolder per label", "a file",
                    "a file given where a folder of examples was meant");
        }
        List<Path> classes;
        try (Stream<Path> s = Files.list(dir)) {
            classes = s.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && !hidden(p)).sorted().toList();
        }
        if (classes.size() < 2) {
            throw new FormatException(dir, "one subfolder per label, at least two", classes.size() + " subfolder(s)",
                    "a folder of files without label subfolders (put each label's files in a folder named "
                            + "after it)");
        }
        List<Path> files = new ArrayList<>();
        for (Path c : classes) {
            try (Stream<Path> s = Files.list(c)) {
                files.addAll(s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && !hidden(p))
                        .sorted().toList());
            }
        }
        return files;
    }

    private static java.security.MessageDigest newDigest() {
        try {
            return java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this Java runtime", e);
        }
    }

    /**
     * Numeric sequences from a table in long form: one row per step, an id column grouping the rows of
     * an example (in file order, or ordered by a step column), feature columns, and a label repeated
     * on every row of an example.
     *
     * @param file          the file
     * @param idColumn      the example id column
     * @param stepColumn    the step column, or null for file order
     * @param features      the feature columns (null: every column but the id, step and label columns)
     * @param labelColumn   the label column
     * @param requireLabels whether the label column must be there (else labels are read when it is)
     * @return the data, examples in order of first appearance
     * @throws FormatException if a column is missing, a cell is not a number, an example's label
     *                         changes between its rows, or its steps repeat (naming the line)
     * @throws IOException     if the file cannot be read
     */
    public static LabeledData sequences(Path file, String idColumn, String stepColumn, List<String> features,
                                        String labelColumn, boolean requireLabels) throws IOException {
        return sequences(Tables.read(file), idColumn, stepColumn, features, labelColumn, requireLabels);
    }

    /**
     * Numeric sequences from a table already read ({@link #sequences(Path, String, String, List, String,
     * boolean)}: the same columns and rules).
     *
     * @param t             the table
     * @param idColumn      the example id column
     * @param stepColumn    the step column, or null for file order
     * @param features      the feature columns (null: every column but the id, step and label columns)
     * @param labelColumn   the label column
     * @param requireLabels whether the label column must be there (else labels are read when it is)
     * @return the data, examples in order of first appearance
     * @throws FormatException as the file reader
     */
    public static LabeledData sequences(Table t, String idColumn, String stepColumn, List<String> features,
                                        String labelColumn, boolean requireLabels) throws FormatException {
        Path file = t.source();
        boolean withLabels = requireLabels || t.hasColumn(labelColumn);
        if (features == null) {
            features = new ArrayList<>(t.columns());
            features.remove(idColumn);
            features.remove(stepColumn);
            features.remove(labelColumn);
        }
        for (String f : features) {
            if (f.equals(idColumn) || f.equals(stepColumn) || f.equals(labelColumn)) {
                throw new FormatException(file, "feature columns other than the id, step and label columns",
                        "'" + f + "' among the features", "the feature list names the " + (f.equals(labelColumn)
                                ? "label (which the model would then read)" : "id or step column"));
            }
        }
        if (features.isEmpty()) {
            throw new FormatException(file, "at least one feature column besides the id, step and label columns",
                    "none", "the wrong --id, --step or --label column");
        }
        List<String> ids = t.strings(idColumn);
        double[] steps = stepColumn == null ? null : t.numbers(stepColumn, dev.recur.data.table.FillPolicy.NONE);
        List<String> rowLabels = withLabels ? t.strings(labelColumn) : null;
        double[][] cols = new double[features.size()][];
        for (int c = 0; c < cols.length; c++) {
            cols[c] = t.numbers(features.get(c), dev.recur.data.table.FillPolicy.NONE);
        }
        Map<String, List<Integer>> rows = new LinkedHashMap<>();
        for (int r = 0; r < ids.size(); r++) {
            rows.computeIfAbsent(ids.get(r), k -> new ArrayList<>()).add(r);
        }
        List<double[]> seqs = new ArrayList<>();
        List<String> labels = withLabels ? new ArrayList<>() : null;
        List<String> where = new ArrayList<>();
        int nf = features.size();
        for (Map.Entry<String, List<Integer>> e : rows.entrySet()) {
            List<Integer> rs = e.getValue();
            if (steps != null) {
                Map<Double, Integer> seen = new HashMap<>();
                for (int r : rs) {
                    Integer before = seen.put(steps[r], r);
                    if (before != null) {
                        throw new FormatException(file, "one row per step of example '" + e.getKey() + "'",
                                "step " + steps[r] + " at lines " + t.line(before) + " and " + t.line(r),
                                "duplicated rows");
                    }
                }
                TreeMap<Double, Integer> ordered = new TreeMap<>(seen);
                rs = new ArrayList<>(ordered.values());
            }
            double[] x = new double[rs.size() * nf];
            for (int s = 0; s < rs.size(); s++) {
                for (int c = 0; c < nf; c++) {
                    x[s * nf + c] = cols[c][rs.get(s)];
                }
            }
            if (labels != null) {
                String label = rowLabels.get(rs.get(0));
                for (int r : rs) {
                    if (!rowLabels.get(r).equals(label)) {
                        throw new FormatException(file, "one label for all rows of example '" + e.getKey() + "'",
                                "'" + label + "' and '" + rowLabels.get(r) + "' (line " + t.line(r) + ")",
                                "rows of two examples under one id");
                    }
                }
                labels.add(label);
            }
            seqs.add(x);
            where.add("id " + e.getKey() + " (line " + t.line(rs.get(0)) + ")");
        }
        return new LabeledData(file, null, seqs, nf, features, labels, where, t.sha256());
    }

    private static boolean hidden(Path p) {
        return p.getFileName().toString().startsWith(".");
    }
}
