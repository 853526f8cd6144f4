/**
 * The {@code recur} command line: a thin shell over recur-core.
 *
 * <p>Structure:
 * <ul>
 *   <li>{@link dev.recur.cli.Main} is the top-level picocli command; it owns the global options
 *       ({@code --format}, {@code --quiet}), the subcommand list and the error handling.</li>
 *   <li>{@link dev.recur.cli.RecurCommand} is the base class of every subcommand; it hands the
 *       subcommand an {@link dev.recur.cli.Output} configured from the global options.</li>
 *   <li>{@link dev.recur.cli.Output} is the only way a subcommand writes: results go to stdout (as
 *       {@code key: value} text or one JSON object per line), notices and progress go to stderr.</li>
 *   <li>{@link dev.recur.cli.CliErrors} turns bad input into a one-line message and an exit code
 *       from {@link dev.recur.cli.ExitCodes}; no stack traces unless {@code RECUR_DEBUG} is set.</li>
 * </ul>
 *
 * <p>Single-threaded by design: a command runs on the main thread (the kernels may use their own
 * thread team), and no type here is meant to be shared between threads.
 */
package dev.recur.cli;
