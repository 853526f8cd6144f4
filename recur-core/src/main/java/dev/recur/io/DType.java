package dev.recur.io;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The element types recur reads and writes in safetensors files, under their safetensors names.
 * All of them are stored little-endian.
 *
 * <p>Immutable and thread-safe.
 */
public enum DType {
    /** IEEE-754 binary64. */
    F64(8),
    /** IEEE-754 binary32. */
    F32(4),
    /** Signed 64-bit two's complement integer. */
    I64(8),
    /** Signed 32-bit two's complement integer. */
    I32(4),
    /** bfloat16: the upper 16 bits of an IEEE-754 binary32 (quantized weights). */
    BF16(2),
    /** Signed 8-bit two's complement integer (quantized weights). */
    I8(1);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /**
     * Returns the size of one element in bytes.
     *
     * @return 8 for {@code F64} and {@code I64}, 4 for {@code F32} and {@code I32}, 2 for
     *     {@code BF16}, 1 for {@code I8}
     */
    public int byteSize() {
        return byteSize;
    }

    /**
     * Tells whether this is a floating-point type.
     *
     * @return true for {@code F64}, {@code F32} and {@code BF16}
     */
    public boolean isFloatingPoint() {
        return this == F64 || this == F32 || this == BF16;
    }

    /**
     * Looks up a dtype by its safetensors name (case-sensitive, e.g. {@code "F64"}).
     *
     * @param name the name as written in a safetensors header
     * @return the dtype, or empty if recur does not support that name
     */
    public static Optional<DType> fromName(String name) {
        for (DType d : values()) {
            if (d.name().equals(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /**
     * Lists the supported names, for error messages.
     *
     * @return the names separated by ", ", e.g. {@code "F64, F32, I64, I32, BF16, I8"}
     */
    public static String supportedNames() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
