package dev.recur.onnx;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;

/** The JSON of the metadata recur keeps in its ONNX files. */
final class OnnxJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private OnnxJson() {
    }

    /** A map of JSON values as compact JSON. */
    static String write(Map<String, Object> values) {
        try {
            return JSON.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("ONNX metadata: expected JSON values, found " + e.getOriginalMessage(), e);
        }
    }

    /**
     * A JSON object as a map.
     *
     * @throws IllegalArgumentException naming what the parser found
     */
    static Map<String, Object> read(String json) {
        try {
            return JSON.readValue(json, new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("expected a JSON object, found " + e.getOriginalMessage());
        }
    }
}
