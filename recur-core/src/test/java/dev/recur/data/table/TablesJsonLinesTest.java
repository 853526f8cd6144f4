package dev.recur.data.table;

import static dev.recur.data.table.TableFiles.refusal;
import static dev.recur.data.table.TableFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TablesJsonLinesTest {

    @TempDir
    Path dir;

    @Test
    void readsNumbersStringsBooleansAndNulls() throws Exception {
        Path file = write(dir, "t.jsonl", "{\"t\": 1, \"v\": 1.50e3, \"name\": \"北京 \uD83D\uDE00\", \"ok\": true}\r\n"
                + "\n"
                + "{\"t\": 2, \"v\": null, \"name\": \"a\\nb\", \"ok\": false}\n"
                + "{\"v\": -0.25, \"t\": 3, \"name\": \"\"}\n");
        Table table = Tables.read(file);
        assertEquals(List.of("t", "v", "name", "ok"), table.columns());
        assertEquals(3, table.rows());
        assertEquals("1.50e3", table.cell(0, 1)); // a number as written
        assertEquals("北京 \uD83D\uDE00", table.cell(0, 2));
        assertEquals("true", table.cell(0, 3));
        assertEquals("false", table.cell(1, 3));
        assertNull(table.cell(1, 1)); // null
        assertEquals("a\nb", table.cell(1, 2));
        assertNull(table.cell(2, 2)); // an empty string
        assertNull(table.cell(2, 3)); // a missing key
        assertEquals(1, table.line(0));
        assertEquals(3, table.line(1));
        assertEquals(4, table.line(2));
        assertArrayEquals(new double[] {1500, 749.875, -0.25}, table.numbers("v", FillPolicy.LINEAR));
        assertArrayEquals(new double[] {1, 2, 3}, table.numbers("t", FillPolicy.NONE));
    }

    @Test
    void keysFirstSeenLaterAreAppendedWithEarlierCellsNull() throws Exception {
        Table t = Tables.read(write(dir, "k.ndjson", "{\"a\":1}\n{\"b\":2,\"a\":3}\n{\"c\":\"x\"}\n"));
        assertEquals(List.of("a", "b", "c"), t.columns());
        assertNull(t.cell(0, 1));
        assertNull(t.cell(0, 2));
        assertEquals("2", t.cell(1, 1));
        assertEquals("3", t.cell(1, 0));
        assertNull(t.cell(2, 0));
        assertEquals("x", t.cell(2, 2));
    }

    @Test
    void anArrayOrObjectValueIsRefusedNamingTheLineAndKey() throws Exception {
        Path array = write(dir, "a.jsonl", "{\"a\":1}\n{\"a\":2,\"tags\":[1,2]}\n");
        assertEquals(array + ": expected a string, number, boolean or null as the value of key 'tags' at line 2,"
                        + " found a JSON array; likely cause: nested data; flatten it into one key per value",
                refusal(array, () -> Tables.read(array)));
        Path object = write(dir, "o.jsonl", "{\"p\":{\"x\":1}}\n");
        assertTrue(refusal(object, () -> Tables.read(object)).contains(
                "value of key 'p' at line 1, found a JSON object"));
    }

    @Test
    void aLineThatIsNotJsonIsRefusedWithTheParsersShortReason() throws Exception {
        Path file = write(dir, "bad.jsonl", "{\"a\":1}\n{\"a\":x}\n");
        assertEquals(file + ": expected a JSON object at line 2, found invalid JSON (Unrecognized token 'x': was"
                        + " expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false') at"
                        + " column 6); likely cause: a line that is not JSON, or a record broken across lines (each"
                        + " must be on one line)",
                refusal(file, () -> Tables.read(file)));
        Path split = write(dir, "split.jsonl", "{\"a\":1,\n\"b\":2}\n");
        assertEquals(split + ": expected a JSON object at line 1, found invalid JSON (Unexpected end-of-input"
                        + " within/between Object entries at column 8); likely cause: a line that is not JSON, or"
                        + " a record broken across lines (each must be on one line)",
                refusal(split, () -> Tables.read(split)));
        Path nan = write(dir, "nan.jsonl", "{\"a\":NaN}\n");
        assertTrue(refusal(nan, () -> Tables.read(nan)).contains("found invalid JSON (Non-standard token 'NaN' at"
                + " column 9)"));
        Path duplicate = write(dir, "dup.jsonl", "{\"a\":1,\"a\":2}\n");
        assertTrue(refusal(duplicate, () -> Tables.read(duplicate)).contains("(Duplicate field 'a' at column 11)"));
    }

    @Test
    void aLineThatIsNotOneObjectIsRefused() throws Exception {
        Path array = write(dir, "arr.jsonl", "[1,2]\n");
        assertEquals(array + ": expected a JSON object at line 1, found a JSON array; likely cause: each line of a"
                        + " JSON Lines file must be one object, {\"column\": value, ...}",
                refusal(array, () -> Tables.read(array)));
        Path two = write(dir, "two.jsonl", "{\"a\":1} {\"a\":2}\n");
        assertEquals(two + ": expected one JSON object on line 1, found more after its closing brace (a JSON object"
                        + " at column 9); likely cause: two records on one line; put each on a line of its own",
                refusal(two, () -> Tables.read(two)));
    }

    @Test
    void anEmptyFileOrOnlyBlankLinesIsRefused() throws Exception {
        Path empty = write(dir, "e.jsonl", "");
        assertEquals(empty + ": expected at least one data row (a JSON object on a line), found an empty file;"
                        + " likely cause: the wrong file was given, or it was not written completely",
                refusal(empty, () -> Tables.read(empty)));
        Path blank = write(dir, "b.jsonl", "\n  \r\n");
        assertTrue(refusal(blank, () -> Tables.read(blank)).contains("found only blank lines"));
    }

    @Test
    void anEmptyKeyIsRefused() throws Exception {
        Path file = write(dir, "k.jsonl", "{\"\":1}\n");
        assertTrue(refusal(file, () -> Tables.read(file)).contains("expected a non-empty key at line 1"));
    }
}
