package dev.recur.cli;

import java.util.LinkedHashMap;
import java.util.Map;

import picocli.CommandLine.Command;

/**
 * {@code recur info}: the recur version and facts about the Java runtime it runs on.
 *
 * <p>Fields: {@code recur_version}, {@code java_version}, {@code java_vendor},
 * {@code available_processors}, {@code max_heap_bytes}.
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
        out.record(info);
        return ExitCodes.OK;
    }
}
