package dev.recur.data.table;

import static dev.recur.data.table.TableFiles.refusal;
import static dev.recur.data.table.TableFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TablesCsvTest {

    @TempDir
    Path dir;

    @Test
    void readsAHeaderAndRows() throws Exception {
        Path file = write(dir, "t.csv", "time,value,label\n1,0.5,up\n2,-1e-3,down\n");
        Table table = Tables.read(file);
        assertEquals(file, table.source());
        assertEquals(List.of("time", "value", "label"), table.columns());
        assertEquals(2, table.rows());
        assertEquals(1, table.column("value"));
        assertTrue(table.hasColumn("label"));
        assertFalse(table.hasColumn("Label"));
        assertEquals("-1e-3", table.cell(1, 1));
        assertEquals(2, table.line(0));
        assertEquals(3, table.line(1));
        assertArrayEquals(new double[] {0.5, -0.001}, table.numbers("value", FillPolicy.NONE));
        assertEquals(List.of("up", "down"), table.strings("label"));
        assertThrows(IndexOutOfBoundsException.class, () -> table.cell(2, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> table.line(-1));
    }

    @Test
    void crlfAndLfLineEndsBothWork() throws Exception {
        Table crlf = Tables.read(write(dir, "crlf.csv", "a,b\r\n1,2\r\n3,4\r\n"));
        Table lf = Tables.read(write(dir, "lf.csv", "a,b\n1,2\n3,4"));
        for (Table t : List.of(crlf, lf)) {
            assertEquals(List.of("a", "b"), t.columns());
            assertEquals("4", t.cell(1, 1));
            assertEquals(3, t.line(1));
        }
    }

    @Test
    void quotedCommasAndQuotesRoundTrip() throws Exception {
        Table t = Tables.read(write(dir, "q.csv", "name,note\n\"Smith, J.\",\"said \"\"hi\"\"\"\nx,\"\"\n"));
        assertEquals("Smith, J.", t.cell(0, 0));
        assertEquals("said \"hi\"", t.cell(0, 1));
        assertNull(t.cell(1, 1)); // a quoted empty cell is empty too
    }

    @Test
    void quotedNewlinesKeepTheLinesOfTheRowsAfterThem() throws Exception {
        Table t = Tables.read(write(dir, "n.csv",
                "id,text\n1,\"two\nlines\"\n2,\"three\r\nlines\r\nhere\"\r\n3,plain\n"));
        assertEquals(3, t.rows());
        assertEquals("two\nlines", t.cell(0, 1));
        assertEquals("three\r\nlines\r\nhere", t.cell(1, 1));
        assertEquals(2, t.line(0));
        assertEquals(4, t.line(1));
        assertEquals(7, t.line(2));
        assertEquals("plain", t.cell(2, 1));
    }

    @Test
    void quotedNewlineInTheHeaderMovesTheFirstRow() throws Exception {
        Table t = Tables.read(write(dir, "h.csv", "\"a\nb\",c\n1,2\n"));
        assertEquals(List.of("a\nb", "c"), t.columns());
        assertEquals(3, t.line(0));
    }

    @Test
    void unicodeRoundTrips() throws Exception {
        Table t = Tables.read(write(dir, "u.csv", "城市,温度,mood\n北京,21.5,\uD83D\uDE00\nZürich,-3,ok\n"));
        assertEquals(List.of("城市", "温度", "mood"), t.columns());
        assertEquals("北京", t.cell(0, 0));
        assertEquals("\uD83D\uDE00", t.cell(0, 2));
        assertEquals("Zürich", t.cell(1, 0));
        assertArrayEquals(new double[] {21.5, -3}, t.numbers("温度", FillPolicy.NONE));
    }

    @Test
    void readsATabFile() throws Exception {
        Path file = write(dir, "t.tsv", "a\tb c\td\n1\tx, y\t\n\"q\tr\"\t2\t3\n");
        Table t = Tables.read(file);
        assertEquals(List.of("a", "b c", "d"), t.columns());
        assertEquals("x, y", t.cell(0, 1));
        assertNull(t.cell(0, 2));
        assertEquals("q\tr", t.cell(1, 0));
        assertEquals(List.of("a", "b c", "d"), Tables.readCsv(file, '\t').columns());
    }

    @Test
    void theExtensionIsCaseInsensitiveAndOthersAreRefused() throws Exception {
        assertEquals(1, Tables.read(write(dir, "UP.CSV", "a\n1\n")).rows());
        Path txt = write(dir, "data.txt", "a\n1\n");
        assertEquals(txt + ": expected a table file named *.csv, *.tsv, *.jsonl or *.ndjson, found the extension"
                        + " '.txt'; likely cause: a file in another format, or one that needs renaming (the extension"
                        + " says how it is read)",
                refusal(txt, () -> Tables.read(txt)));
        Path none = write(dir, "data", "a\n1\n");
        assertTrue(refusal(none, () -> Tables.read(none)).contains("found a name without an extension"));
    }

    @Test
    void headerNamesAreTrimmed() throws Exception {
        Table t = Tables.read(write(dir, "s.csv", "a, b\n1, 2\n"));
        assertEquals(List.of("a", "b"), t.columns());
        assertEquals(" 2", t.cell(0, 1));
        assertArrayEquals(new double[] {2}, t.numbers("b", FillPolicy.NONE));
    }

    @Test
    void anEmptyColumnNameIsRefusedWithItsPosition() throws Exception {
        Path file = write(dir, "e.csv", "a,,c\n1,2,3\n");
        assertEquals(file + ": expected a name for every column of the header (line 1), found an empty name for"
                        + " column 2 of 3; likely cause: a column without a name; give it one",
                refusal(file, () -> Tables.read(file)));
        Path trailing = write(dir, "t.csv", "a,b,\n1,2,\n");
        assertTrue(refusal(trailing, () -> Tables.read(trailing)).contains(
                "found an empty name for column 3 of 3; likely cause: a delimiter at the end of the header line"));
    }

    @Test
    void aDuplicateColumnNameIsRefusedWithBothPositions() throws Exception {
        Path file = write(dir, "d.csv", "x,y,x\n1,2,3\n");
        assertEquals(file + ": expected distinct column names in the header (line 1), found 'x' as columns 1 and 3;"
                        + " likely cause: a column copied twice; rename or remove one",
                refusal(file, () -> Tables.read(file)));
    }

    @Test
    void aHeaderOnlyOrEmptyFileIsRefused() throws Exception {
        Path header = write(dir, "h.csv", "a,b\n\n\n");
        assertEquals(header + ": expected at least one data row after the header, found only the header (line 1);"
                        + " likely cause: the wrong file was given, or it was not written completely",
                refusal(header, () -> Tables.read(header)));
        Path empty = write(dir, "e.csv", "");
        assertEquals(empty + ": expected a header and at least one data row, found an empty file; likely cause: the"
                        + " wrong file was given, or it was not written completely",
                refusal(empty, () -> Tables.read(empty)));
        Path bomOnly = write(dir, "b.csv", new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        assertTrue(refusal(bomOnly, () -> Tables.read(bomOnly)).contains("at least one data row"));
    }

    @Test
    void blankLinesAtTheEndAreIgnored() throws Exception {
        Table t = Tables.read(write(dir, "b.csv", "a,b\r\n1,2\r\n\r\n  \r\n\n"));
        assertEquals(1, t.rows());
        Table one = Tables.read(write(dir, "one.csv", "a\n1\n\n\n"));
        assertEquals(1, one.rows());
    }

    @Test
    void aBlankLineBetweenRowsIsRefusedOrAnEmptyCellInOneColumn() throws Exception {
        Path file = write(dir, "m.csv", "a,b\n1,2\n\n3,4\n");
        assertEquals(file + ": expected 2 cells at line 3 (one per column of the header), found a blank line;"
                        + " likely cause: a blank line between rows; remove it",
                refusal(file, () -> Tables.read(file)));
        Table one = Tables.read(write(dir, "one.csv", "a\n1\n\n3\n"));
        assertEquals(3, one.rows());
        assertNull(one.cell(1, 0));
        assertEquals(3, one.line(1));
        assertEquals(4, one.line(2));
    }

    @Test
    void raggedRowsAreRefusedWithTheLineAndBothCounts() throws Exception {
        Path more = write(dir, "more.csv", "a,b,c\n1,2,3\n4,5,6,7\n");
        assertEquals(more + ": expected 3 cells at line 3 (one per column of the header), found 4 cells; likely"
                        + " cause: a delimiter inside a value that is not quoted; quote the value",
                refusal(more, () -> Tables.read(more)));
        Path fewer = write(dir, "fewer.csv", "a,b,c\r\n1,2,3\r\n\"x\ny\",2,3\r\n4,5\r\n");
        assertEquals(fewer + ": expected 3 cells at line 5 (one per column of the header), found 2 cells; likely"
                        + " cause: a missing cell or delimiter, or a line break inside a value that is not quoted",
                refusal(fewer, () -> Tables.read(fewer)));
    }

    @Test
    void malformedQuotingIsRefusedWithTheLine() throws Exception {
        Path open = write(dir, "o.csv", "a,b\n1,2\n\"3,4\n5,6\n");
        assertEquals(open + ": expected a well-formed CSV record at line 3, found a quoted value that is never"
                        + " closed (the file ends inside it); likely cause: an unbalanced double quote; write a"
                        + " quote inside a quoted value as two (\"\")",
                refusal(open, () -> Tables.read(open)));
        Path after = write(dir, "a.csv", "a,b\n\"x\ny\",2\n\"3\"x,4\n");
        assertTrue(refusal(after, () -> Tables.read(after)).contains(
                "expected a well-formed CSV record at line 4, found a character after the closing quote"));
    }

    @Test
    void aDirectoryIsRefused() throws Exception {
        Path folder = dir.resolve("folder.csv");
        java.nio.file.Files.createDirectory(folder);
        assertTrue(refusal(folder, () -> Tables.read(folder)).contains("found a directory"));
    }

    @Test
    void aQuoteOrLineBreakDelimiterIsRejected() throws Exception {
        Path file = write(dir, "x.csv", "a\n1\n");
        assertThrows(IllegalArgumentException.class, () -> Tables.readCsv(file, '"'));
        assertThrows(IllegalArgumentException.class, () -> Tables.readCsv(file, '\n'));
        assertEquals(1, Tables.readCsv(file, ';').rows());
    }
}
