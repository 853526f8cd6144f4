package dev.recur.cli;

import dev.recur.train.TrainingEvents;
import dev.recur.train.TrainingListener;

/**
 * Says on stderr, for any command that trains, each step that diverged and what the divergence
 * policy did about it ({@code --on-divergence skip} or {@code rollback}; {@code stop} ends the
 * command with the same words).
 */
final class DivergenceNotices implements TrainingListener {

    private final Output out;

    DivergenceNotices(Output out) {
        this.out = out;
    }

    @Override
    public void onStep(TrainingEvents.Step e) {
        if (e.divergence() != null) {
            out.notice("warning: training diverged at step " + e.step() + ": " + e.divergence());
        }
    }
}
