package dev.recur.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.recur.diagnostics.UnitActivations;
import dev.recur.diagnostics.UnitActivations.Signal;
import dev.recur.diagnostics.UnitActivations.Trace;
import dev.recur.diagnostics.UnitCorrelations.UnitCorrelation;

/**
 * Renders {@link UnitActivations} as one self-contained HTML page: the text with every character
 * coloured by the chosen unit's value, menus for layer, signal and unit, and tables of the units
 * most correlated with simple features. The page template is the resource {@code inspect.html};
 * the data goes into it as JSON, each trace quantised to one byte per value (base64).
 */
final class InspectPage {

    private static final ObjectMapper JSON = new ObjectMapper();

    private InspectPage() {
    }

    /**
     * Quantises a value to 0..255 over a range (values outside are clamped, NaN goes to 0).
     *
     * @param v  the value
     * @param lo the range's lower end
     * @param hi the range's upper end
     * @return {@code round((v − lo) / (hi − lo) · 255)}
     */
    static int quantise(double v, double lo, double hi) {
        if (Double.isNaN(v)) {
            return 0;
        }
        double x = (Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo);
        return (int) Math.round(x * 255);
    }

    /**
     * A trace quantised to one unsigned byte per value over its display range.
     *
     * @param trace the trace
     * @return {@code [H, T]} bytes (read as unsigned)
     */
    static byte[] quantise(Trace trace) {
        float[] v = trace.values();
        byte[] q = new byte[v.length];
        for (int i = 0; i < q.length; i++) {
            q[i] = (byte) quantise(v[i], trace.lowerBound(), trace.upperBound());
        }
        return q;
    }

    /**
     * The page.
     *
     * @param description  one line about the model and the text, shown at the top
     * @param text         the characters, one string per code point
     * @param activations  what the units did
     * @param correlations per feature label, the most correlated units
     * @return the HTML
     * @throws IOException if the template cannot be read
     */
    static String render(String description, List<String> text, UnitActivations activations,
                         Map<String, List<UnitCorrelation>> correlations) throws IOException {
        int nt = activations.steps();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("description", description);
        data.put("text", text);
        data.put("layers", activations.layers());
        data.put("hidden", activations.hidden());
        List<String> names = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        List<Map<String, Object>> signals = new ArrayList<>();
        for (Trace s : activations.signals()) {
            if (!names.contains(s.signal().name())) {
                names.add(s.signal().name());
                labels.add(s.signal().label());
            }
            Signal sig = s.signal();
            byte[] q = quantise(s);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("layer", s.layer());
            m.put("signal", sig.name());
            m.put("label", sig.label());
            m.put("lo", s.lowerBound());
            m.put("hi", s.upperBound());
            m.put("data", Base64.getEncoder().encodeToString(q));
            signals.add(m);
        }
        if (text.size() != nt) {
            throw new IllegalArgumentException("inspect page: expected " + nt + " characters, found " + text.size());
        }
        data.put("signalNames", names);
        data.put("signalLabels", labels);
        data.put("signals", signals);
        List<Map<String, Object>> features = new ArrayList<>();
        for (var e : correlations.entrySet()) {
            List<Map<String, Object>> units = new ArrayList<>();
            for (UnitCorrelation u : e.getValue()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("layer", u.layer());
                m.put("signal", u.signal().name());
                m.put("label", u.signal().label());
                m.put("unit", u.unit());
                m.put("r", u.correlation());
                units.add(m);
            }
            Map<String, Object> feature = new LinkedHashMap<>();   // in this order on every run (Map.of has none)
            feature.put("feature", e.getKey());
            feature.put("units", units);
            features.add(feature);
        }
        data.put("correlations", features);
        // '<' only occurs inside JSON strings, where \u003c means the same; this keeps "</script>" in the
        // text from ending the script element
        String json = JSON.writeValueAsString(data).replace("<", "\\u003c");
        return template().replace("/*DATA*/", json);
    }

    private static String template() throws IOException {
        try (InputStream in = InspectPage.class.getResourceAsStream("inspect.html")) {
            if (in == null) {
                throw new IOException("the page template inspect.html is missing from the recur-cli jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
