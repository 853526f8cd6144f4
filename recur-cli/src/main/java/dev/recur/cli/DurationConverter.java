package dev.recur.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses a duration given on the command line into seconds: a number of seconds ({@code 300}), or
 * numbers with units {@code h}, {@code m}, {@code s} ({@code 90s}, {@code 4m}, {@code 1h30m},
 * {@code 2.5m}).
 */
public final class DurationConverter implements ITypeConverter<Double> {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)([hms])");

    /** Creates the converter (picocli instantiates it reflectively). */
    public DurationConverter() {
    }

    @Override
    public Double convert(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        double seconds;
        if (v.matches("\\d+(\\.\\d+)?")) {
            seconds = Double.parseDouble(v);
        } else if (v.matches("(\\d+(\\.\\d+)?[hms])+")) {
            seconds = 0;
            Matcher m = PART.matcher(v);
            while (m.find()) {
                double n = Double.parseDouble(m.group(1));
                seconds += switch (m.group(2)) {
                    case "h" -> n * 3600;
                    case "m" -> n * 60;
                    default -> n;
                };
            }
        } else {
            throw new TypeConversionException("expected a duration such as 300, 90s, 4m or 1h30m, found '" + value
                    + "'");
        }
        if (!(seconds > 0) || Double.isInfinite(seconds)) {
            throw new TypeConversionException("expected a duration above zero, found '" + value + "'");
        }
        return seconds;
    }
}
