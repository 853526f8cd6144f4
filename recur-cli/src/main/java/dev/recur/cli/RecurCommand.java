package dev.recur.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base class of every {@code recur} subcommand.
 *
 * <p>To add a subcommand (train, sample, eval, bench, ...):
 * <ol>
 *   <li>extend this class and annotate it with
 *       {@code @Command(name = "...", mixinStandardHelpOptions = true, description = "...")};</li>
 *   <li>declare its own {@code @Option}s and {@code @Parameters};</li>
 *   <li>implement {@link #execute(Output)}: write results with {@link Output#record},
 *       {@link Output#row} or {@link Output#value}, and anything else with {@link Output#notice},
 *       {@link Output#progress} or {@link Output#warn}; never write to {@code System.out} directly;</li>
 *   <li>signal bad user input by throwing {@link IllegalArgumentException} (exit code
 *       {@link ExitCodes#USAGE}) and unreadable or unwritable user files by letting the
 *       {@link java.io.IOException} propagate (exit code {@link ExitCodes#FAILURE}); {@link CliErrors}
 *       prints either as a one-line message;</li>
 *   <li>list the class in {@link Main}'s {@code subcommands}.</li>
 * </ol>
 * The global options {@code --format} and {@code --quiet} are inherited from {@link Main}, so they
 * may be given before or after the subcommand name.
 */
public abstract class RecurCommand implements Callable<Integer> {
    /** The picocli model of this command, injected by picocli. */
    @Spec
    protected CommandSpec spec;

    private Output output;

    /** Creates the command; picocli instantiates subcommands reflectively. */
    protected RecurCommand() {
    }

    @Override
    public final Integer call() throws Exception {
        int code = execute(output());
        // results that could not be written (a full disk, a closed pipe) are a failure, said once
        if (code == ExitCodes.OK && (spec.commandLine().getOut().checkError() || System.out.checkError())) {
            output().warn("standard output could not be written (a full disk or a closed pipe): results lost");
            return ExitCodes.FAILURE;
        }
        return code;
    }

    /**
     * Runs the command.
     *
     * @param out where to write results and notices
     * @return the exit code, normally {@link ExitCodes#OK}
     * @throws Exception on failure; see the class documentation for how exceptions are reported
     */
    protected abstract int execute(Output out) throws Exception;

    /**
     * The output of this command, configured from the global options.
     *
     * @return the output
     */
    protected final Output output() {
        if (output == null) {
            OutputFormat format = OutputFormat.TEXT;
            boolean quiet = false;
            if (spec.root().userObject() instanceof Main main) {
                format = main.format();
                quiet = main.quiet();
            }
            output = new Output(spec.commandLine().getOut(), spec.commandLine().getErr(), format, quiet);
        }
        return output;
    }
}
