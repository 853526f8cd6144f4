package dev.recur.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Checks how {@link Output} renders results in text and JSON. */
class OutputTest {

    record Metrics(int epoch, double loss) {
    }

    private static String render(OutputFormat format, java.util.function.Consumer<Output> body) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        body.accept(new Output(new PrintWriter(out), new PrintWriter(err), format, false));
        return out.toString();
    }

    @Test
    void rowsAndRecords() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cell", "lstm");
        m.put("sizes", List.of(1, 2));
        m.put("note", "two words");
        assertEquals("cell=lstm sizes=[1,2] note=\"two words\"\n", render(OutputFormat.TEXT, o -> o.row(m)));
        assertEquals("cell: lstm\nsizes: [1,2]\nnote: two words\n", render(OutputFormat.TEXT, o -> o.record(m)));
        assertEquals("{\"cell\":\"lstm\",\"sizes\":[1,2],\"note\":\"two words\"}\n",
                render(OutputFormat.JSON, o -> o.record(m)));
    }

    @Test
    void javaRecordsAndValues() {
        assertEquals("{\"epoch\":3,\"loss\":0.5}\n", render(OutputFormat.JSON, o -> o.row(new Metrics(3, 0.5))));
        assertEquals("epoch=3 loss=0.5\n", render(OutputFormat.TEXT, o -> o.row(new Metrics(3, 0.5))));
        assertEquals("hello\nworld\n", render(OutputFormat.TEXT, o -> o.value("text", "hello\nworld")));
        assertEquals("{\"text\":\"hello\\nworld\"}\n", render(OutputFormat.JSON, o -> o.value("text", "hello\nworld")));
    }
}
