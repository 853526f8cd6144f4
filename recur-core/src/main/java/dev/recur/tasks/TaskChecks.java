package dev.recur.tasks;

/** Argument checks shared by the tasks. */
final class TaskChecks {

    private TaskChecks() {
    }

    static void batch(int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch size: expected >= 1, found " + batch);
        }
    }

    static void rng(Object rng) {
        if (rng == null) {
            throw new IllegalArgumentException("random generator: expected a SplittableRandom, found null");
        }
    }
}
