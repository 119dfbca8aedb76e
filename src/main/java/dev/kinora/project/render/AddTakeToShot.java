package dev.kinora.project.render;

import dev.kinora.project.Command;
import dev.kinora.project.Commands;
import dev.kinora.project.Project;
import dev.kinora.project.Take;

/**
 * A finished generation entering its shot as one undo step: the take is added and made active, and
 * a shot's first take also sets the card's length to the clip's, so the storyboard shows what was made.
 */
record AddTakeToShot(String shotId, Take take) implements Command {
    @Override
    public String name() {
        return "Add Take";
    }

    @Override
    public Project apply(Project p) {
        boolean first = p.requireShot(shotId).takes().isEmpty();
        Project q = new Commands.AddTake(shotId, take, true).apply(p);
        return first && take.frames() > 0 ? q.updateShot(shotId, s -> s.withDuration(take.durationSeconds())) : q;
    }
}
