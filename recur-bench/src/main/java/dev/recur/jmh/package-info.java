/**
 * JMH benchmarks of recur, in float32 (the speed precision): {@link dev.recur.jmh.GemmBenchmark}
 * and {@link dev.recur.jmh.GemmLargeBenchmark} time the matrix products at the shapes a recurrent
 * layer runs, {@link dev.recur.jmh.CellStepBenchmark} one time step of each cell forward and
 * backward, and {@link dev.recur.jmh.WorkloadBenchmark} a whole standard workload through
 * {@link dev.recur.bench.WorkloadRunner}. Each compares the plain reference kernels with the
 * vectorised ones where that is meaningful.
 *
 * <p>Built only under the {@code bench} Maven profile into {@code recur-bench/target/benchmarks.jar};
 * every benchmark forks a JVM with {@code --add-modules jdk.incubator.vector}. See
 * {@code docs/README-bench-jmh.md} for how to build and run them.
 */
package dev.recur.jmh;
