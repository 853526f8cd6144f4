package dev.recur.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link MapFields}: typed reads, and messages that show what was found as the file holds it. */
class MapFieldsTest {

    private static final Map<String, Object> CONFIG = new LinkedHashMap<>();

    static {
        CONFIG.put("hidden_size", "32");
        CONFIG.put("layers", 2);
        CONFIG.put("rnn", Map.of("cell", "lstm"));
        CONFIG.put("lengths", List.of(1, 2));
        CONFIG.put("dropout", 0.5);
        CONFIG.put("cell", "gru");
    }

    private static String refusal(org.junit.jupiter.api.function.Executable read) {
        return assertThrows(IllegalArgumentException.class, read).getMessage();
    }

    @Test
    void readsEachType() {
        MapFields f = new MapFields("model.config", CONFIG);
        assertEquals(2, f.integer("layers"));
        assertEquals(0.5, f.number("dropout"));
        assertEquals("gru", f.text("cell"));
        assertEquals(Map.of("cell", "lstm"), f.object("rnn"));
    }

    @Test
    void aValueOfAnotherTypeIsShownAsTheFileHoldsIt() {
        MapFields f = new MapFields("model.config", CONFIG);
        assertEquals("model.config.hidden_size: expected an integer, found \"32\"", refusal(() -> f.integer("hidden_size")));
        assertEquals("model.config.rnn: expected a number, found an object", refusal(() -> f.number("rnn")));
        assertEquals("model.config.lengths: expected a string, found a list", refusal(() -> f.text("lengths")));
        assertEquals("model.config.dropout: expected true or false, found 0.5", refusal(() -> f.bool("dropout")));
        assertEquals("model.config.cell: expected an object, found \"gru\"", refusal(() -> f.object("cell")));
        assertEquals("model.config.bias: expected a value, found none", refusal(() -> f.bool("bias")));
    }
}
