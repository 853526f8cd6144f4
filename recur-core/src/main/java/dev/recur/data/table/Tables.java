package dev.recur.data.table;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.recur.io.FormatException;
import dev.recur.io.RegularFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads users' tabular files, CSV, TSV and JSON Lines, into {@link Table}s.
 *
 * <h2>Text</h2>
 * The file must be strict UTF-8 (a leading UTF-8 byte-order mark is dropped; a UTF-16 one is
 * refused), without NUL bytes; lines may end in {@code "\n"} or {@code "\r\n"}. A file is read
 * whole: at most {@link #MAX_BYTES} bytes, its actual bytes (never a size it claims), so memory is
 * proportional to the file.
 *
 * <h2>CSV and TSV</h2>
 * RFC 4180, with the delimiter given (comma or tab): a value may be quoted with {@code "}, a quote
 * inside a quoted value is doubled ({@code ""}), and a quoted value may hold delimiters and line
 * breaks. The first record is the header: its names are trimmed of surrounding white space and must
 * be non-empty and distinct. Every row must have one cell per column. Blank lines before the header
 * and at the end of the file are ignored; a blank line between rows is an empty cell in a
 * one-column file and refused otherwise. There must be at least one data row.
 *
 * <h2>JSON Lines</h2>
 * Each non-blank line is one JSON object. The columns are the keys of the first object in their
 * order, then each key first seen in a later object, appended (the rows before it lack it: their
 * cell is {@code null}). A string is kept as is, a number as its text as written, a boolean as
 * {@code "true"} or {@code "false"}, and {@code null} is an empty cell; an array or object value, a
 * repeated key and a line that is not exactly one JSON object are refused.
 *
 * <h2>Errors</h2>
 * Everything wrong with a file's content is a {@link FormatException} with a one-line message
 * {@code "FILE: expected ..., found ...; likely cause: ..."} naming the line (and the column, where
 * there is one); failing to read the file at all is the plain {@link IOException} of {@link Files}.
 *
 * <p>The methods are stateless and thread-safe.
 */
public final class Tables {

    /** The largest file read, in bytes (1 GiB): a larger one is refused before it is read. */
    public static final int MAX_BYTES = 1 << 30;

    private static final String NOT_UTF8 = "the file is not UTF-8 (e.g. Latin-1 or UTF-16); re-save it as UTF-8";

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private Tables() {
    }

    /**
     * Reads a table, in the format its extension names (case-insensitive): {@code .csv} (comma
     * separated), {@code .tsv} (tab separated), {@code .jsonl} or {@code .ndjson} (JSON Lines).
     *
     * @param file the file
     * @return the table
     * @throws FormatException if the extension is none of these (the message lists them), or the
     *     content breaks the format
     * @throws IOException if the file cannot be read
     */
    public static Table read(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        Path name = file.getFileName();
        String lower = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
        if (lower.endsWith(".csv")) {
            return readCsv(file, ',');
        }
        if (lower.endsWith(".tsv")) {
            return readCsv(file, '\t');
        }
        if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) {
            return readJsonLines(file);
        }
        int dot = lower.lastIndexOf('.');
        throw new FormatException(file, "a table file named *.csv, *.tsv, *.jsonl or *.ndjson",
                dot <= 0 ? "a name without an extension" : "the extension " + Table.quote(lower.substring(dot)),
                "a file in another format, or one that needs renaming (the extension says how it is read)");
    }

    /**
     * Reads a delimited file (CSV or TSV) whose first record is the header.
     *
     * @param file the file
     * @param delimiter the character between cells, e.g. {@code ','} or {@code '\t'}
     * @return the table
     * @throws FormatException if the content breaks the format (see the class description)
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if the delimiter is a quote or a line break
     */
    public static Table readCsv(Path file, char delimiter) throws IOException {
        Objects.requireNonNull(file, "file");
        if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
            throw new IllegalArgumentException("delimiter: expected a character other than a quote or a line break,"
                    + " found " + Table.quote(String.valueOf(delimiter)));
        }
        Text decoded = decode(file);
        String text = decoded.text();
        int[] lineStarts = lineStarts(text);
        CSVFormat format = CSVFormat.RFC4180.builder().setDelimiter(delimiter).setIgnoreEmptyLines(false).get();
        List<String> columns = null;
        long headerLine = 0;
        List<String[]> rows = new ArrayList<>();
        LongList lines = new LongList();
        List<Long> pendingBlanks = new ArrayList<>(); // blank lines not yet known to be inside the data
        try (CSVParser parser = CSVParser.builder().setReader(new StringReader(text)).setFormat(format).get()) {
            Iterator<CSVRecord> records = parser.iterator();
            long nextLine = 1; // where the next record starts
            while (true) {
                CSVRecord record;
                try {
                    if (!records.hasNext()) {
                        break;
                    }
                    record = records.next();
                } catch (UncheckedIOException e) {
                    throw malformed(file, nextLine, e.getCause());
                }
                long line = lineOf(lineStarts, record.getCharacterPosition());
                nextLine = parser.getCurrentLineNumber() + 1;
                if (isBlank(record)) {
                    if (columns != null) {
                        pendingBlanks.add(line);
                    }
                    continue;
                }
                if (columns == null) {
                    columns = header(file, record, line);
                    headerLine = line;
                    continue;
                }
                for (long blank : pendingBlanks) {
                    if (columns.size() != 1) {
                        throw new FormatException(file, columns.size() + " cells at line " + blank
                                + " (one per column of the header)", "a blank line",
                                "a blank line between rows; remove it");
                    }
                    rows.add(new String[1]);
                    lines.add(blank);
                }
                pendingBlanks.clear();
                if (record.size() != columns.size()) {
                    throw new FormatException(file, columns.size() + " cells at line " + line
                            + " (one per column of the header)", record.size() + " cell" + (record.size() == 1 ? "" : "s"),
                            record.size() > columns.size()
                                    ? "a delimiter inside a value that is not quoted; quote the value"
                                    : "a missing cell or delimiter, or a line break inside a value that is not quoted");
                }
                rows.add(record.values());
                lines.add(line);
            }
        }
        if (columns == null) {
            throw new FormatException(file, "a header and at least one data row", "an empty file",
                    "the wrong file was given, or it was not written completely");
        }
        if (rows.isEmpty()) {
            throw new FormatException(file, "at least one data row after the header",
                    "only the header (line " + headerLine + ")",
                    "the wrong file was given, or it was not written completely");
        }
        return Table.of(file, columns, rows, lines.toArray()).withSha256(decoded.sha256());
    }

    /**
     * Reads a JSON Lines file: one JSON object per line.
     *
     * @param file the file
     * @return the table
     * @throws FormatException if the content breaks the format (see the class description)
     * @throws IOException if the file cannot be read
     */
    public static Table readJsonLines(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        Text decoded = decode(file);
        String text = decoded.text();
        List<String> columns = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        List<String[]> rows = new ArrayList<>();
        LongList lines = new LongList();
        int start = 0;
        for (long line = 1; start <= text.length(); line++) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = text.length();
            }
            String content = text.substring(start, end > start && text.charAt(end - 1) == '\r' ? end - 1 : end);
            start = end + 1;
            if (content.isBlank()) {
                continue;
            }
            rows.add(jsonRow(file, line, content, columns, index));
            lines.add(line);
        }
        if (rows.isEmpty()) {
            throw new FormatException(file, "at least one data row (a JSON object on a line)",
                    text.isEmpty() ? "an empty file" : "only blank lines",
                    "the wrong file was given, or it was not written completely");
        }
        for (int r = 0; r < rows.size(); r++) {
            if (rows.get(r).length < columns.size()) {
                rows.set(r, Arrays.copyOf(rows.get(r), columns.size()));
            }
        }
        return Table.of(file, columns, rows, lines.toArray()).withSha256(decoded.sha256());
    }

    /** One object of a JSON Lines file, its keys added to the columns; as long as the columns so far. */
    private static String[] jsonRow(Path file, long line, String content, List<String> columns,
                                    Map<String, Integer> index) throws FormatException {
        List<String> keys = new ArrayList<>();
        List<String> values = new ArrayList<>();
        try (JsonParser parser = JSON.createParser(content)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new FormatException(file, "a JSON object at line " + line, describe(first),
                        "each line of a JSON Lines file must be one object, {\"column\": value, ...}");
            }
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_OBJECT; token = parser.nextToken()) {
                String key = parser.currentName();
                JsonToken value = parser.nextToken();
                if (key.isEmpty()) {
                    throw new FormatException(file, "a non-empty key at line " + line, "the key \"\"",
                            "a column without a name; give it one");
                }
                switch (value) {
                    case VALUE_STRING:
                    case VALUE_NUMBER_INT:
                    case VALUE_NUMBER_FLOAT:
                        values.add(parser.getText());
                        break;
                    case VALUE_TRUE:
                        values.add("true");
                        break;
                    case VALUE_FALSE:
                        values.add("false");
                        break;
                    case VALUE_NULL:
                        values.add(null);
                        break;
                    default:
                        throw new FormatException(file, "a string, number, boolean or null as the value of key "
                                + Table.quote(key) + " at line " + line, describe(value),
                                "nested data; flatten it into one key per value");
                }
                keys.add(key);
            }
            JsonToken after = parser.nextToken();
            if (after != null) {
                throw new FormatException(file, "one JSON object on line " + line,
                        "more after its closing brace (" + describe(after) + " at column "
                                + parser.currentTokenLocation().getColumnNr() + ")",
                        "two records on one line; put each on a line of its own");
            }
        } catch (JsonProcessingException e) {
            throw new FormatException(file, "a JSON object at line " + line,
                    "invalid JSON (" + reason(e) + " at column " + e.getLocation().getColumnNr() + ")",
                    "a line that is not JSON, or a record broken across lines (each must be on one line)", e);
        } catch (FormatException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e); // parsing a string does no I/O
        }
        for (String key : keys) {
            if (!index.containsKey(key)) {
                index.put(key, columns.size());
                columns.add(key);
            }
        }
        String[] row = new String[columns.size()];
        for (int k = 0; k < keys.size(); k++) {
            row[index.get(keys.get(k))] = values.get(k);
        }
        return row;
    }

    /** A JSON token as the message says it: "a JSON array", "the number 3", ... */
    private static String describe(JsonToken token) {
        if (token == null) {
            return "nothing";
        }
        switch (token) {
            case START_ARRAY: return "a JSON array";
            case START_OBJECT: return "a JSON object";
            case VALUE_STRING: return "a JSON string";
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT: return "a JSON number";
            case VALUE_TRUE:
            case VALUE_FALSE: return "a JSON boolean";
            case VALUE_NULL: return "a JSON null";
            default: return token.asString() == null ? token.name() : Table.quote(token.asString());
        }
    }

    /** The parser's reason, short and on one line (without its location, its source or its advice). */
    private static String reason(JsonProcessingException e) {
        String message = String.valueOf(e.getOriginalMessage());
        for (String tail : new String[] {" (start marker at", ": enable `", "\n"}) {
            int at = message.indexOf(tail);
            if (at > 0) {
                message = message.substring(0, at);
            }
        }
        return message.replace('\r', ' ').replace('\n', ' ').strip();
    }

    /** The header's names, trimmed, checked non-empty and distinct. */
    private static List<String> header(Path file, CSVRecord record, long line) throws FormatException {
        List<String> names = new ArrayList<>(record.size());
        Map<String, Integer> seen = new HashMap<>();
        for (int c = 0; c < record.size(); c++) {
            String name = record.get(c).strip();
            if (name.isEmpty()) {
                throw new FormatException(file, "a name for every column of the header (line " + line + ")",
                        "an empty name for column " + (c + 1) + " of " + record.size(),
                        c == record.size() - 1 && c > 0 ? "a delimiter at the end of the header line; remove it"
                                : "a column without a name; give it one");
            }
            Integer earlier = seen.putIfAbsent(name, c);
            if (earlier != null) {
                throw new FormatException(file, "distinct column names in the header (line " + line + ")",
                        Table.quote(name) + " as columns " + (earlier + 1) + " and " + (c + 1),
                        "a column copied twice; rename or remove one");
            }
            names.add(name);
        }
        return names;
    }

    /** A blank line: no cell at all, or one of only white space. */
    private static boolean isBlank(CSVRecord record) {
        return record.size() == 0 || record.size() == 1 && record.get(0).isBlank();
    }

    private static FormatException malformed(Path file, long line, Throwable cause) {
        String message = String.valueOf(cause == null ? null : cause.getMessage());
        String found;
        String likely;
        if (message.contains("EOF reached before encapsulated token finished")) {
            found = "a quoted value that is never closed (the file ends inside it)";
            likely = "an unbalanced double quote; write a quote inside a quoted value as two (\"\")";
        } else if (message.contains("Invalid character between encapsulated token and delimiter")) {
            found = "a character after the closing quote of a quoted value";
            likely = "a double quote inside a value; quote the whole value and write the quote inside it as two (\"\")";
        } else {
            found = message.replaceFirst("^\\(startline \\d+\\) ", "").replace('\r', ' ').replace('\n', ' ');
            likely = "a malformed quoted value";
        }
        return new FormatException(file, "a well-formed CSV record at line " + line, found, likely, cause);
    }

    /** The offsets where the lines of the text start: 0, and after each "\n", "\r\n" or lone "\r". */
    private static int[] lineStarts(String text) {
        int[] starts = new int[16];
        int count = 1;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '\n' || ch == '\r' && (i + 1 == text.length() || text.charAt(i + 1) != '\n')) {
                if (count == starts.length) {
                    starts = Arrays.copyOf(starts, count * 2);
                }
                starts[count++] = i + 1;
            }
        }
        return Arrays.copyOf(starts, count);
    }

    /** The 1-based line holding the character at this offset. */
    private static long lineOf(int[] lineStarts, long offset) {
        int at = Arrays.binarySearch(lineStarts, (int) offset);
        return (at >= 0 ? at : -at - 2) + 1L;
    }

    /**
     * The text of a file: its bytes, at most {@link #MAX_BYTES}, decoded as strict UTF-8 without NUL
     * bytes, a leading UTF-8 byte-order mark dropped.
     */
    /** A file's text and the SHA-256 of its bytes. */
    record Text(String text, String sha256) {
    }

    static Text decode(Path file) throws IOException {
        BasicFileAttributes attributes = RegularFiles.require(file, "a table file");
        String tooLarge = "a table file of at most " + MAX_BYTES + " bytes (1 GiB)";
        String tooLargeCause = "the wrong file, or a table too large to read whole; split it";
        if (attributes.size() > MAX_BYTES) {
            throw new FormatException(file, tooLarge, attributes.size() + " bytes", tooLargeCause);
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1); // what is there, not what the size said (it may have grown)
        }
        if (bytes.length > MAX_BYTES) {
            throw new FormatException(file, tooLarge, "more than " + MAX_BYTES + " bytes", tooLargeCause);
        }
        int b0 = bytes.length > 0 ? bytes[0] & 0xFF : -1;
        int b1 = bytes.length > 1 ? bytes[1] & 0xFF : -1;
        if (b0 == 0xFF && b1 == 0xFE || b0 == 0xFE && b1 == 0xFF) {
            throw new FormatException(file, "UTF-8 text", String.format(Locale.ROOT,
                    "a UTF-16 byte-order mark (0x%02X 0x%02X) at the start", b0, b1),
                    "the file is UTF-16 (e.g. saved as \"Unicode\" text); re-save it as UTF-8");
        }
        int start = bytes.length >= 3 && b0 == 0xEF && b1 == 0xBB && (bytes[2] & 0xFF) == 0xBF ? 3 : 0;
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        in.position(start); // positions stay absolute: offset 0 is the first byte, a byte-order mark included
        CharBuffer out = CharBuffer.allocate(bytes.length - start);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        int bad = result.isError() ? in.position() : bytes.length;
        for (int i = start; i < bad; i++) {
            if (bytes[i] == 0) {
                throw new FormatException(file, "UTF-8 text", "a NUL byte (0x00) at line " + lineAtByte(bytes, i)
                        + " (byte offset " + i + ")", NOT_UTF8);
            }
        }
        if (bad < bytes.length) {
            throw new FormatException(file, "UTF-8 text", String.format(Locale.ROOT,
                    "byte 0x%02X at line %d (byte offset %d), which is not valid UTF-8",
                    bytes[bad] & 0xFF, lineAtByte(bytes, bad), bad), NOT_UTF8);
        }
        out.flip();
        return new Text(out.toString(), dev.recur.io.Sha256.hex(bytes));
    }

    /** The 1-based line of the byte at this offset. */
    private static long lineAtByte(byte[] bytes, int offset) {
        long line = 1;
        for (int i = 0; i < offset; i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        return line;
    }

    /** A growable array of longs (the line of each row, without boxing). */
    private static final class LongList {
        private long[] values = new long[16];
        private int size;

        void add(long value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        long[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
