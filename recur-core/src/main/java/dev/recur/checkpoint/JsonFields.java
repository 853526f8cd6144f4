package dev.recur.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import dev.recur.io.FormatException;
import java.nio.file.Path;

/** Typed access to the fields of a manifest, with messages naming the file and the field. */
record JsonFields(Path file) {

    private static final String EDITED = "the file was edited by hand";

    JsonNode node(JsonNode parent, String path) throws FormatException {
        String key = path.substring(path.lastIndexOf('.') + 1);
        JsonNode n = parent.get(key);
        if (n == null || n.isNull()) {
            throw new FormatException(file, "the field " + path, "no such field",
                    "the file is truncated, was edited by hand, or is not a recur checkpoint manifest");
        }
        return n;
    }

    JsonNode object(JsonNode parent, String path) throws FormatException {
        JsonNode n = node(parent, path);
        if (!n.isObject()) {
            throw new FormatException(file, path + " to be a JSON object", n.getNodeType().toString(), EDITED);
        }
        return n;
    }

    String text(JsonNode parent, String path) throws FormatException {
        JsonNode n = node(parent, path);
        if (!n.isTextual()) {
            throw new FormatException(file, path + " to be a string", n.toString(), EDITED);
        }
        return n.textValue();
    }

    long longValue(JsonNode parent, String path, long min, long max) throws FormatException {
        JsonNode n = node(parent, path);
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < min || n.longValue() > max) {
            throw new FormatException(file, path + " to be an integer in [" + min + ", " + max + "]", n.toString(),
                    EDITED);
        }
        return n.longValue();
    }

    int integer(JsonNode parent, String path, int min, int max) throws FormatException {
        return (int) longValue(parent, path, min, max);
    }

    double number(JsonNode parent, String path) throws FormatException {
        JsonNode n = node(parent, path);
        if (!n.isNumber()) {
            throw new FormatException(file, path + " to be a number", n.toString(), EDITED);
        }
        return n.doubleValue();
    }

    static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }
}
