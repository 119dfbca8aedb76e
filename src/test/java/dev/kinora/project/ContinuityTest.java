package dev.kinora.project;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.engine.Direction;
import dev.kinora.engine.JobSettings;
import dev.kinora.engine.Recipe;
import dev.kinora.engine.pack.Mode;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContinuityTest {
    private static final ProjectSettings PS = new ProjectSettings("tinyworld", 64, 64, 8);

    private static Take take(String shotId, String madeFrom) {
        String id = Ids.newId();
        List<Recipe.SourceRef> src = madeFrom.isEmpty() ? List.of() : List.of(new Recipe.SourceRef(madeFrom, ""));
        Recipe r = new Recipe("t", "1", "", new JobSettings("tinyworld", madeFrom.isEmpty() ? Mode.GENERATE : Mode.EXTEND, "p", "",
                1, 8, 3, "flow-euler", 1, 16, 1, Direction.FORWARD, 0, true, false), 8, src);
        return new Take(id, "media/" + shotId + "/" + id + ".png", r, Instant.EPOCH, 16, 8, 64, 64, "");
    }

    private static Shot withTake(Shot s, Take t) {
        return new Commands.AddTake(s.id(), t, true).apply(Project.empty("x").withShots(List.of(s))).shots().get(0);
    }

    @Test
    void aContinuationGoesStaleWhenThePreviousShotGetsANewTakeAndFreshAgainWhenItsTakeIsPickedBack() {
        Shot a = Shot.create("a", PS);
        Take a1 = take(a.id(), "");
        a = withTake(a, a1);
        Shot b = Shot.create("b", PS).withContinueFromPrevious(true).withMode(Mode.EXTEND);
        b = withTake(b, take(b.id(), a1.media()));
        Project p = Project.empty("p").withSettings(PS).withShots(List.of(a, b));
        assertEquals(Continuity.Link.EXTENDS, Continuity.link(p, b.id()));
        assertTrue(Continuity.stale(p, b.id()).isEmpty(), "made from shot 1's active take");

        Take a2 = take(a.id(), "");
        Project newer = new Commands.AddTake(a.id(), a2, true).apply(p);
        String why = Continuity.stale(newer, b.id()).orElseThrow();
        assertTrue(why.contains("shot 1"), why);

        Project back = new Commands.SetActiveTake(a.id(), a1.id()).apply(newer);
        assertTrue(Continuity.stale(back, b.id()).isEmpty(), "the take it was made from is active again");
        assertTrue(Continuity.stale(newer, a.id()).isEmpty(), "the first shot is linked to nothing");
    }

    @Test
    void aShotAnimatedFromTheLastFrameIsLinkedToThatTake() {
        Shot a = Shot.create("a", PS);
        Take a1 = take(a.id(), "");
        a = withTake(a, a1);
        String still = Continuity.lastFrameStill(a1);
        Shot b = Shot.create("b", PS).withMode(Mode.ANIMATE).withSources(List.of(new SourceRef(still, SourceRole.START)));
        b = withTake(b, take(b.id(), still));
        Project p = Project.empty("p").withSettings(PS).withShots(List.of(a, b));
        assertEquals(Continuity.Link.LAST_FRAME, Continuity.link(p, b.id()));
        assertTrue(Continuity.stale(p, b.id()).isEmpty());
        Project newer = new Commands.AddTake(a.id(), take(a.id(), ""), true).apply(p);
        assertTrue(Continuity.stale(newer, b.id()).isPresent());
    }

    @Test
    void insertingAfterAShotThatTheNextContinuesIsBetweenALinkedPair() {
        Shot a = Shot.create("a", PS);
        Shot b = Shot.create("b", PS).withContinueFromPrevious(true);
        Shot c = Shot.create("c", PS);
        Project p = Project.empty("p").withSettings(PS).withShots(List.of(a, b, c));
        assertEquals(b, Continuity.linkedNext(p, a.id()).orElseThrow());
        assertTrue(Continuity.linkedNext(p, b.id()).isEmpty());
        assertTrue(Continuity.linkedNext(p, c.id()).isEmpty(), "after the last shot");
    }
}
