package dev.recur.cli;

import java.io.IOException;
import java.nio.file.Path;

import picocli.CommandLine.Option;

/**
 * The options that choose a trained model, shared by the commands that read one (a picocli mixin):
 * {@code --checkpoint RUN} and {@code --runs-dir DIR}.
 */
public final class CheckpointOptions {

    @Option(names = "--checkpoint", paramLabel = "RUN",
            description = "Run folder (or its checkpoint.json); a bare name that is not in the working directory "
                    + "is a run under --runs-dir. Default: the latest run under --runs-dir (never a quantized "
                    + "copy).")
    private Path checkpoint;

    @Option(names = "--runs-dir", paramLabel = "DIR", defaultValue = RunFolders.DEFAULT_RUNS,
            description = "Folder of the run folders. Default: ${DEFAULT-VALUE}.")
    private Path runsDir;

    /** Creates the options; picocli fills them. */
    public CheckpointOptions() {
    }

    /**
     * The run folder chosen: {@code --checkpoint}, or the latest run under {@code --runs-dir}.
     *
     * @return the run folder
     * @throws IOException if there is none, or it is not a run folder
     */
    Path run() throws IOException {
        return RunFolders.checkpoint(checkpoint, runsDir, "--checkpoint");
    }
}
