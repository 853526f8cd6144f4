package dev.recur.cli;

import dev.recur.io.AtomicFiles;
import dev.recur.tensor.GemmTuner;
import dev.recur.tensor.GemmTuning;
import dev.recur.tensor.GemmTuningCache;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code recur tune}: times the matrix products' blockings on this machine ({@link GemmTuner}) and
 * keeps the fastest in the user's cache folder, where every later recur on the same CPU and JVM
 * finds it ({@link GemmTuningCache}). Results never depend on it. {@code --show} prints the tuning
 * in effect and where it comes from; {@code --reset} deletes this machine's file.
 *
 * <p>Fields: {@code tuning}, {@code source}, {@code file}; after a tuning also {@code default_gflops},
 * {@code chosen_gflops}, {@code gain_percent}, {@code trials}.
 */
@Command(name = "tune", mixinStandardHelpOptions = true,
        description = {"Time the blockings of the matrix products on this CPU and keep the fastest for every "
                + "later run on it (in the user's cache folder, per CPU model and Java version). Results are "
                + "the same to the bit whatever the tuning; only the speed moves. Takes about 40 seconds.",
                "Without a tuning file the settings measured best on AMD Zen 5 are used."})
public final class TuneCommand extends RecurCommand {

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads the products run on, as in training, 1..256 (default: the available processors).")
    Integer threads;

    @Option(names = "--show", description = "Print the tuning in effect and where it comes from; time nothing.")
    boolean show;

    @Option(names = "--reset", description = "Delete this machine's tuning file (the defaults apply again).")
    boolean reset;

    @Option(names = "--if-missing", description = "Tune only if this machine has no tuning file yet.")
    boolean ifMissing;

    /** Creates the command. */
    public TuneCommand() {
    }

    @Override
    protected int execute(Output out) throws Exception {
        List<String> given = new ArrayList<>();
        for (var flag : List.of(Map.entry("--show", show), Map.entry("--reset", reset), Map.entry("--if-missing", ifMissing))) {
            if (flag.getValue()) {
                given.add(flag.getKey());
            }
        }
        if (given.size() > 1) {
            throw new IllegalArgumentException("--show, --reset and --if-missing: expected at most one, found "
                    + String.join(" and ", given));
        }
        Path file = GemmTuningCache.file();
        if (reset) {
            AtomicFiles.requireReplaceable(file);
            boolean deleted = Files.deleteIfExists(file);
            out.record(Map.of("deleted", deleted, "file", file.toString()));
            return ExitCodes.OK;
        }
        GemmTuningCache.Resolved current = GemmTuningCache.resolve();
        if (show || (ifMissing && Files.exists(file, LinkOption.NOFOLLOW_LINKS))) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("tuning", current.tuning().toString());
            fields.put("source", current.source());
            fields.put("file", file.toString());
            out.record(fields);
            return ExitCodes.OK;
        }
        int nThreads = threads != null ? OptionChecks.threads(threads, false) : Runtime.getRuntime().availableProcessors();
        GemmTuningCache.requireWritableCacheDir();
        AtomicFiles.requireReplaceable(file);
        out.notice("timing the products on %d thread%s (about 40 seconds) ...", nThreads, nThreads == 1 ? "" : "s");
        GemmTuner.Result result = new GemmTuner(nThreads, 60_000_000L, 3).tune(line -> out.progress("%s", line));
        AtomicFiles.writeBytes(file, GemmTuningCache.toJson(result.chosen(), result.defaultGflops(),
                result.chosenGflops(), result.trials()));
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("tuning", result.chosen().toString());
        fields.put("source", result.chosen().equals(GemmTuning.DEFAULT) ? "default (no setting beat it by "
                + GemmTuner.MIN_GAIN_PERCENT + "%)" : "measured");
        fields.put("file", file.toString());
        fields.put("default_gflops", round(result.defaultGflops()));
        fields.put("chosen_gflops", round(result.chosenGflops()));
        fields.put("gain_percent", round(result.gainPercent()));
        fields.put("trials", result.trials().size());
        out.record(fields);
        return ExitCodes.OK;
    }

    private static double round(double v) {
        return Double.parseDouble(String.format(Locale.ROOT, "%.1f", v));
    }
}
