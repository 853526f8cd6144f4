package dev.recur.data.table;

import static dev.recur.data.table.TableFiles.refusal;
import static dev.recur.data.table.TableFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableTest {

    private static final Path SOURCE = Path.of("data", "series.csv");

    @TempDir
    Path dir;

    /** A one-column table "x" of these cells, on lines 2, 3, ... */
    private static Table column(String... cells) {
        List<String[]> rows = new ArrayList<>();
        long[] lines = new long[cells.length];
        for (int r = 0; r < cells.length; r++) {
            rows.add(new String[] {cells[r]});
            lines[r] = r + 2;
        }
        return Table.of(SOURCE, List.of("x"), rows, lines);
    }

    @Test
    void everyFillPolicyHandChecked() throws Exception {
        Table t = column("1", "", null, "4");
        assertArrayEquals(new double[] {1, 2, 3, 4}, t.numbers("x", FillPolicy.LINEAR));
        assertArrayEquals(new double[] {1, 1, 1, 4}, t.numbers("x", FillPolicy.PREVIOUS));
        assertArrayEquals(new double[] {1, 0, 0, 4}, t.numbers("x", FillPolicy.ZERO));
        assertEquals(SOURCE + ": expected a number in column 'x' at line 3, found an empty cell; likely cause: a"
                        + " missing value; fill or remove it, or choose a fill policy (recur forecast: --fill previous|linear|zero)",
                refusal(SOURCE, () -> t.numbers("x", FillPolicy.NONE)));
    }

    @Test
    void linearFillTakesTheNearestValueAtTheEnds() throws Exception {
        Table t = column("", "NaN", "2", "", "", "", "6", "n/a", "");
        assertArrayEquals(new double[] {2, 2, 2, 3, 4, 5, 6, 6, 6}, t.numbers("x", FillPolicy.LINEAR));
        assertArrayEquals(new double[] {0, 0, 2, 0, 0, 0, 6, 0, 0}, t.numbers("x", FillPolicy.ZERO));
    }

    @Test
    void previousFillRefusesAGapInTheFirstRow() throws Exception {
        Table t = column("NA", "2", "");
        assertEquals(SOURCE + ": expected a number in column 'x' at line 2 (the first row, with no value above it"
                        + " for --fill previous), found 'NA' (a missing value); likely cause: the series starts with"
                        + " a missing value; fill in or remove the first row, or choose --fill linear",
                refusal(SOURCE, () -> t.numbers("x", FillPolicy.PREVIOUS)));
        assertArrayEquals(new double[] {2, 2, 2}, t.numbers("x", FillPolicy.LINEAR));
    }

    @Test
    void missingMarkersAreCaseInsensitiveAndTrimmed() throws Exception {
        Table t = column("1", " NaN ", "nan", "NA", "n/A", "NULL", "null", "  ", "9");
        assertArrayEquals(new double[] {1, 0, 0, 0, 0, 0, 0, 0, 9}, t.numbers("x", FillPolicy.ZERO));
        assertTrue(refusal(SOURCE, () -> t.numbers("x", FillPolicy.NONE)).contains(
                "at line 3, found 'NaN' (a missing value); likely cause: a missing value"));
    }

    @Test
    void numbersAreTrimmedDecimals() throws Exception {
        Table t = column(" 1 ", "-2.5", "+3e2", ".5", "7.", "-0");
        assertArrayEquals(new double[] {1, -2.5, 300, 0.5, 7, -0.0}, t.numbers("x", FillPolicy.NONE));
    }

    @Test
    void aNonNumericCellIsRefusedWithLineColumnAndCell() throws Exception {
        Path file = write(dir, "s.csv", "t,price\n1,3.5\n2,abc\n");
        Table t = Tables.read(file);
        assertEquals(file + ": expected a number in column 'price' at line 3, found 'abc'; likely cause: a text"
                        + " value in a numeric column, or the wrong column",
                refusal(file, () -> t.numbers("price", FillPolicy.LINEAR)));
        for (String notDecimal : new String[] {"0x10", "1d", "2f", "1.2.3", "--1", "1e"}) {
            assertTrue(refusal(SOURCE, () -> column("1", notDecimal).numbers("x", FillPolicy.NONE))
                    .contains("at line 3, found '" + notDecimal + "'; likely cause: a text value"), notDecimal);
        }
        assertTrue(refusal(SOURCE, () -> column("1,5").numbers("x", FillPolicy.NONE)).contains(
                "found '1,5'; likely cause: a decimal comma; write the number with a decimal point (1.5, not 1,5)"));
    }

    @Test
    void aCellWithALineBreakIsQuotedOnOneLine() throws Exception {
        String message = refusal(SOURCE, () -> column("1", "a\nb\tc\u0000").numbers("x", FillPolicy.NONE));
        assertTrue(message.contains("found 'a\\nb\\tc\\u0000'"), message);
        String longCell = "y".repeat(100);
        assertTrue(refusal(SOURCE, () -> column(longCell).numbers("x", FillPolicy.NONE))
                .contains("found '" + "y".repeat(40) + "\u2026'"));
    }

    @Test
    void infinityIsRefusedWhateverThePolicy() throws Exception {
        for (FillPolicy fill : FillPolicy.values()) {
            for (String infinite : new String[] {"Infinity", "-inf", "+INF", "\u221E"}) {
                assertEquals(SOURCE + ": expected a finite number in column 'x' at line 3, found '" + infinite
                                + "'; likely cause: an overflow or a division by zero where the file was made",
                        refusal(SOURCE, () -> column("1", infinite).numbers("x", fill)));
            }
            assertEquals(SOURCE + ": expected a number in column 'x' at line 2, found '1e999', beyond the range of a"
                            + " double (about \u00B11.8e308); likely cause: a value written with the wrong exponent,"
                            + " or an overflow where the file was made",
                    refusal(SOURCE, () -> column("1e999").numbers("x", fill)));
        }
    }

    @Test
    void aColumnThatIsEntirelyMissingIsRefusedWhateverThePolicy() throws Exception {
        Table t = column("", "NaN", null);
        for (FillPolicy fill : FillPolicy.values()) {
            assertEquals(SOURCE + ": expected at least one number in column 'x', found only missing values (3 rows);"
                            + " likely cause: the wrong column, or a column that was never filled in",
                    refusal(SOURCE, () -> t.numbers("x", fill)));
        }
    }

    @Test
    void anUnknownColumnIsRefusedListingTheColumns() throws Exception {
        Table t = Table.of(SOURCE, List.of("time", "Price", "label"), List.<String[]>of(new String[] {"1", "2", "a"}),
                new long[] {2});
        assertEquals(SOURCE + ": expected a column named 'value', found the columns 'time', 'Price', 'label'; likely"
                        + " cause: a misspelt column name (names are case-sensitive)",
                refusal(SOURCE, () -> t.column("value")));
        assertTrue(refusal(SOURCE, () -> t.numbers("price", FillPolicy.NONE)).endsWith(
                "likely cause: names are case-sensitive; the column is 'Price'"));
        assertTrue(refusal(SOURCE, () -> t.strings("labels")).contains("expected a column named 'labels'"));
    }

    @Test
    void stringsRefuseAnEmptyCell() throws Exception {
        Table t = Table.of(SOURCE, List.of("label"), List.of(new String[] {"cat"}, new String[] {""},
                new String[] {" "}), new long[] {2, 3, 5});
        assertEquals(SOURCE + ": expected a value in column 'label' at line 3, found an empty cell; likely cause: a"
                        + " missing value; fill it in or remove the row",
                refusal(SOURCE, () -> t.strings("label")));
        Table blank = Table.of(SOURCE, List.of("label"), List.of(new String[] {"cat"}, new String[] {" "}),
                new long[] {2, 5});
        assertTrue(refusal(SOURCE, () -> blank.strings("label")).contains("at line 5, found only white space ' '"));
        assertEquals(List.of("cat", "dog"), column("cat", "dog").strings("x"));
    }

    @Test
    void ofCopiesAndChecksItsArguments() {
        String[] row = {"1", ""};
        long[] lines = {7};
        Table t = Table.of(SOURCE, List.of("a", "b"), List.<String[]>of(row), lines);
        row[0] = "changed";
        lines[0] = 99;
        assertEquals("1", t.cell(0, 0));
        assertNull(t.cell(0, 1));
        assertEquals(7, t.line(0));
        assertThrows(UnsupportedOperationException.class, () -> t.columns().add("c"));
        assertThrows(IllegalArgumentException.class,
                () -> Table.of(SOURCE, List.of("a", "a"), List.of(), new long[0]));
        assertThrows(IllegalArgumentException.class,
                () -> Table.of(SOURCE, List.of("a", ""), List.of(), new long[0]));
        assertThrows(IllegalArgumentException.class,
                () -> Table.of(SOURCE, List.of("a"), List.<String[]>of(new String[] {"1", "2"}), new long[] {1}));
        assertThrows(IllegalArgumentException.class,
                () -> Table.of(SOURCE, List.of("a"), List.<String[]>of(new String[] {"1"}), new long[0]));
        assertThrows(IllegalArgumentException.class,
                () -> Table.of(SOURCE, List.of("a"), List.<String[]>of(new String[] {"1"}), new long[] {0}));
    }

    @Test
    void fillPolicyIds() {
        for (FillPolicy fill : FillPolicy.values()) {
            assertEquals(fill, FillPolicy.fromId(fill.id()));
        }
        assertEquals(List.of("none", "previous", "linear", "zero"),
                java.util.Arrays.stream(FillPolicy.values()).map(FillPolicy::id).toList());
        assertEquals(FillPolicy.LINEAR, FillPolicy.fromId("Linear"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FillPolicy.fromId("mean"));
        assertEquals("fill policy: expected one of none, previous, linear, zero, found 'mean'; likely cause: a"
                + " misspelt name", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FillPolicy.fromId(null));
    }
}
