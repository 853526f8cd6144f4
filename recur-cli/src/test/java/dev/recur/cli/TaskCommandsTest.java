package dev.recur.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code recur forecast} and {@code recur classify} on bad input: each refusal is one line that names
 * the file (and the line and column where there is one), the exit code is not 0, and no run folder
 * is left behind.
 */
class TaskCommandsTest {

    @TempDir
    Path dir;

    private Path file(String name, String content) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, content, StandardCharsets.UTF_8);
        return f;
    }

    private static String series(int n) {
        StringBuilder s = new StringBuilder("month,sales\n");
        for (int i = 0; i < n; i++) {
            s.append(i).append(',').append(100 + 10 * Math.sin(i * 0.5) + i % 7).append('\n');
        }
        return s.toString();
    }

    /** Runs a command that must fail; returns its one-line message. */
    private String refused(String... args) throws IOException {
        TrainCommandTest.Run r = TrainCommandTest.run(args);
        assertNotEquals(0, r.code(), r.out() + r.err());
        List<String> lines = r.errLines();
        assertEquals(1, lines.size(), "one line: " + r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        Path runs = dir.resolve("runs");
        if (Files.exists(runs)) {
            try (Stream<Path> s = Files.list(runs)) {
                assertEquals(0, s.count(), "nothing written");
            }
        }
        return lines.get(0);
    }

    private String forecast(Path data, String... more) throws IOException {
        List<String> all = new java.util.ArrayList<>(List.of("forecast", "train", "--data", data.toString(),
                "--runs-dir", dir.resolve("runs").toString(), "--window", "4", "--epochs", "1"));
        all.addAll(List.of(more));
        return refused(all.toArray(new String[0]));
    }

    @Test
    void forecastRefusesBadTablesNamingFileLineAndColumn() throws IOException {
        String m = forecast(file("missing.csv", series(60)), "--target", "price");
        assertTrue(m.contains("missing.csv") && m.contains("'price'") && m.contains("sales"), m);

        m = forecast(file("text.csv", series(60).replace("\n7,", "\n7,abc")));
        assertTrue(m.contains("text.csv") && m.contains("line 9") && m.contains("'sales'") && m.contains("abc"), m);

        m = forecast(file("ragged.csv", series(60).replace("\n7,", "\n7,1,")));
        assertTrue(m.contains("ragged.csv") && m.contains("line 9"), m);

        m = forecast(file("empty.csv", series(60).replaceFirst("\n7,[^\n]*", "\n7,")));
        assertTrue(m.contains("empty.csv") && m.contains("line 9") && m.contains("--fill"), m);

        m = forecast(file("nan.csv", series(60).replaceFirst("\n7,[^\n]*", "\n7,NaN")));
        assertTrue(m.contains("nan.csv") && m.contains("line 9"), m);

        m = forecast(file("short.csv", series(5)));
        assertTrue(m.contains("short.csv") && m.contains("rows"), m);

        m = forecast(file("season.csv", series(100)), "--season", "80");
        assertTrue(m.contains("season.csv") && m.contains("season"), m);

        m = forecast(file("flat.csv", "month,sales\n" + "1,5\n".repeat(80)));
        assertTrue(m.contains("flat.csv") && m.contains("constant"), m);

        Path latin1 = dir.resolve("latin1.csv");
        Files.write(latin1, "month,caf\u00e9\n1,2\n".getBytes(StandardCharsets.ISO_8859_1));
        m = forecast(latin1);
        assertTrue(m.contains("latin1.csv") && m.contains("UTF-8"), m);
    }

    @Test
    void forecastAcceptsABomAndCrlfAndTheFillPolicyFillsGaps() throws IOException {
        Path f = file("bom.csv", "\uFEFF" + series(90).replace("\n", "\r\n").replaceFirst("\r\n7,[^\r]*", "\r\n7,"));
        TrainCommandTest.Run r = TrainCommandTest.run("forecast", "train", "--data", f.toString(), "--runs-dir",
                dir.resolve("runs").toString(), "--window", "4", "--epochs", "2", "--model", "lstm", "--fill",
                "linear", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("naive") && r.out().contains("ar"), r.out());
    }

    private String classify(Path data, String... more) throws IOException {
        List<String> all = new java.util.ArrayList<>(List.of("classify", "train", "--data", data.toString(),
                "--runs-dir", dir.resolve("runs").toString(), "--epochs", "1"));
        all.addAll(List.of(more));
        return refused(all.toArray(new String[0]));
    }

    @Test
    void classifyRefusesALabelSeenOnceAndMissingColumns() throws IOException {
        String texts = "text,label\n" + "good film,pos\nbad film,neg\n".repeat(10) + "odd one,typo\n";
        String m = classify(file("once.csv", texts));
        assertTrue(m.contains("once.csv") && m.contains("'typo'") && m.contains("line 22"), m);
        m = classify(file("nolabel.csv", "text,category\na,b\n"));
        assertTrue(m.contains("nolabel.csv") && m.contains("'label'"), m);
    }

    @Test
    void evalRefusesALabelTheModelNeverSawAndPredictIgnoresLabels() throws IOException {
        Path train = file("train.csv", "text,label\n" + "good film,pos\nbad film,neg\nfine plot,pos\nawful plot,neg\n"
                .repeat(10));
        Path run = dir.resolve("runs").resolve("c");
        TrainCommandTest.Run r = TrainCommandTest.run("classify", "train", "--data", train.toString(), "--runs-dir",
                dir.resolve("runs").toString(), "--run-name", "c", "--epochs", "2", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        Path other = file("other.csv", "text,label\ngood film,pos\nnew words here,meh\nbad,neg\nok,meh\n");
        r = TrainCommandTest.run("classify", "eval", "--checkpoint", run.toString(), "--data", other.toString());
        assertNotEquals(0, r.code());
        assertTrue(r.errLines().get(0).contains("'meh'") && r.errLines().get(0).contains("other.csv"), r.err());
        r = TrainCommandTest.run("classify", "predict", "--checkpoint", run.toString(), "--data", other.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(5, r.outLines().size(), r.out());
        assertTrue(r.err().contains("not in the vocabulary"), r.err());
    }

    @Test
    void predictReadsASequencesFileWithItsLabelColumn() throws IOException {
        StringBuilder s = new StringBuilder("id,step,x,y,label\n");
        for (int i = 0; i < 40; i++) {
            for (int t = 0; t < 4; t++) {
                s.append(i).append(',').append(t).append(',').append((i % 2) + 0.1 * t).append(',').append(t)
                        .append(',').append(i % 2 == 0 ? "even" : "odd").append('\n');
            }
        }
        Path data = file("seq.csv", s.toString());
        TrainCommandTest.Run r = TrainCommandTest.run("classify", "train", "--data", data.toString(), "--sequences",
                "--runs-dir", dir.resolve("runs").toString(), "--run-name", "s", "--epochs", "2", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        r = TrainCommandTest.run("classify", "predict", "--checkpoint", dir.resolve("runs/s").toString(), "--data",
                data.toString(), "--sequences");
        assertEquals(0, r.code(), r.err());
        assertEquals("example,predicted,p_even,p_odd", r.outLines().get(0));
        assertEquals(41, r.outLines().size());
        r = TrainCommandTest.run("--format", "json", "classify", "predict", "--checkpoint",
                dir.resolve("runs/s").toString(), "--data", data.toString(), "--sequences");
        assertEquals(0, r.code(), r.err());
        assertEquals(40, r.outLines().size());
        assertTrue(r.outLines().get(0).startsWith("{\"example\":\"id 0 (line 2)\",\"predicted\":"), r.out());
    }

    @Test
    void outputsMustBeRegularFilesThatAreNotInputsAndAreCheckedBeforeTraining() throws IOException {
        Path data = file("sales.csv", series(90));
        String m = forecast(data, "--plot", dir.resolve("nowhere/p.png").toString());
        assertTrue(m.contains("--plot") && m.contains("nowhere"), m);
        TrainCommandTest.Run r = TrainCommandTest.run("forecast", "train", "--data", data.toString(), "--runs-dir",
                dir.resolve("runs").toString(), "--run-name", "f", "--window", "4", "--epochs", "1", "--model",
                "lstm", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        String run = dir.resolve("runs/f").toString();
        Path target = file("target.csv", "kept\n");
        Path link = dir.resolve("link.csv");
        Files.createSymbolicLink(link, target);
        r = TrainCommandTest.run("forecast", "predict", "--checkpoint", run, "--data", data.toString(), "--out",
                link.toString());
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("symbolic link") && Files.isSymbolicLink(link), r.err());
        assertEquals("kept\n", Files.readString(target));
        r = TrainCommandTest.run("forecast", "predict", "--checkpoint", run, "--data", data.toString(), "--out",
                data.toString());
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("--out") && r.err().contains("the --data file"), r.err());
        assertEquals(series(90), Files.readString(data));
    }

    @Test
    void aSequencesFeatureListNamingTheLabelIsRefused() throws IOException {
        StringBuilder s = new StringBuilder("id,step,x,label\n");
        for (int i = 0; i < 20; i++) {
            s.append(i).append(",0,").append(i).append(',').append(i % 2).append('\n');
        }
        String m = classify(file("leak.csv", s.toString()), "--sequences", "--features", "x,label");
        assertTrue(m.contains("leak.csv") && m.contains("'label'"), m);
    }
}
