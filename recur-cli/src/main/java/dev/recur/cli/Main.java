package dev.recur.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code recur} command: entry point of the command line.
 *
 * <p>Owns the global options, inherited by every subcommand so they may be given before or after
 * its name: {@code --format text|json} and {@code --quiet}. New subcommands extend
 * {@link RecurCommand} and are listed in {@code subcommands} below.
 */
@Command(name = "recur",
        mixinStandardHelpOptions = true,
        versionProvider = RecurVersion.class,
        description = "Recurrent neural networks (LSTM, GRU, Elman RNN) on the JVM.",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {
            InfoCommand.class,
            BenchCommand.class,
            TuneCommand.class,
            ExperimentCommand.class,
            DiagnoseCommand.class,
            TrainCommand.class,
            ForecastCommand.class,
            ClassifyCommand.class,
            SampleCommand.class,
            EvalCommand.class,
            InspectCommand.class,
            ExportCommand.class,
            QuantizeCommand.class,
            ImportCommand.class,
            HelpCommand.class,
        },
        footer = {"",
            "Results go to stdout, messages to stderr. With --format json, every stdout line is one JSON object.",
            "Exit codes: 0 ok, 1 failure (e.g. unreadable file), 2 bad command line or input, 70 internal error."})
public final class Main implements Runnable {

    @Spec
    private CommandSpec spec;

    @Option(names = "--format", scope = ScopeType.INHERIT, paramLabel = "text|json",
            description = "Output format of results on stdout: text or json (one JSON object per line). "
                    + "Default: text.")
    private OutputFormat format = OutputFormat.TEXT;

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT,
            description = "Print no notices or progress on stderr (warnings and errors still).")
    private boolean quiet;

    /** Creates the top-level command; use {@link #newCommandLine()} to get it ready to run. */
    public Main() {
    }

    /**
     * Runs {@code recur} with the given arguments and exits the JVM with its exit code.
     *
     * @param args the command line arguments
     */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /**
     * Runs {@code recur} in-process with the given arguments, writing to {@code System.out} and
     * {@code System.err}.
     *
     * @param args the command line arguments
     * @return the exit code, see {@link ExitCodes}
     */
    public static int execute(String... args) {
        try {
            return newCommandLine().execute(args);
        } catch (OutOfMemoryError e) {
            // an Error passes picocli's handlers; report it in one line rather than a stack trace
            System.err.printf("recur: out of memory (%s; the Java heap may grow to %,d MB): the model, batch or "
                    + "sequence length needs more; likely fix: a larger heap, e.g. JAVA_OPTS=-Xmx8g%n",
                    e.getMessage(), Runtime.getRuntime().maxMemory() >> 20);
            return ExitCodes.FAILURE;
        }
    }

    /**
     * Builds the fully configured picocli command line: subcommands, case-insensitive
     * {@code --format} values and the {@link CliErrors} handlers. Tests use it to run commands
     * in-process with their own {@code setOut}/{@code setErr} writers.
     *
     * @return a new command line
     */
    public static CommandLine newCommandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return CliErrors.install(cl);
    }

    /**
     * The {@code --format} option.
     *
     * @return the output format of results
     */
    public OutputFormat format() {
        return format;
    }

    /**
     * The {@code --quiet} option.
     *
     * @return whether notices and progress are dropped
     */
    public boolean quiet() {
        return quiet;
    }

    /** Runs {@code recur} without a subcommand: a usage error. */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command");
    }
}
