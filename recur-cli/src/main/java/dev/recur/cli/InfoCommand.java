package dev.recur.cli;

import dev.recur.tensor.GemmTuningCache;
import java.util.LinkedHashMap;
import java.util.Map;

import picocli.CommandLine.Command;

/**
 * {@code recur info}: the recur version and facts about the Java runtime it runs on.
 *
 * <p>Fields: {@code recur_version}, {@code java_version}, {@code java_vendor},
 * {@code available_processors}, {@code max_heap_bytes}, {@code gemm_tuning} and
 * {@code gemm_tuning_source} (see {@code recur tune}).
 */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Print the recur version and facts about the Java runtime.")
public final class InfoCommand extends RecurCommand {

    /** Creates the command. */
    public InfoCommand() {
    }

    @Override
    protected int execute(Output out) {
        Runtime rt = Runtime.getRuntime();
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("recur_version", RecurVersion.get());
        info.put("java_version", System.getProperty("java.version"));
        info.put("java_vendor", System.getProperty("java.vendor"));
        info.put("available_processors", rt.availableProcessors());
        info.put("max_heap_bytes", rt.maxMemory());
        GemmTuningCache.Resolved tuning = GemmTuningCache.inEffect();
        info.put("gemm_tuning", tuning.tuning().toString());
        info.put("gemm_tuning_source", tuning.source());
        out.record(info);
        return ExitCodes.OK;
    }
}
