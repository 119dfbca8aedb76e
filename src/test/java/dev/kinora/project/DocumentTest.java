package dev.kinora.project;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.engine.pack.Mode;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DocumentTest {

    @Test
    void reelPlaysActiveTakesInStoryboardOrderSkippingEmptyShots() {
        Project p = Fixtures.rich();
        List<Project.ReelClip> reel = p.reel();
        assertEquals(2, reel.size());
        assertEquals(p.shots().get(0).id(), reel.get(0).shot().id());
        assertEquals(p.shots().get(0).activeTakeId(), reel.get(0).take().id());
        assertEquals(p.shots().get(2).id(), reel.get(1).shot().id());

        Project moved = new Commands.MoveShot(p.shots().get(2).id(), 0).apply(p);
        assertEquals(p.shots().get(2).id(), moved.reel().get(0).shot().id());
    }

    @Test
    void idsAreRandomUuids() {
        Shot s = Shot.create("x", ProjectSettings.DEFAULTS);
        assertEquals(s.id(), UUID.fromString(s.id()).toString());
        assertNotEquals(s.id(), Shot.create("x", ProjectSettings.DEFAULTS).id());
    }

    @Test
    void findsShotsTakesAndNeighbours() {
        Project p = Fixtures.rich();
        Shot b = p.shots().get(1);
        assertEquals(b, p.shot(b.id()).orElseThrow());
        assertEquals(1, p.indexOf(b.id()));
        assertEquals(-1, p.indexOf("nope"));
        assertEquals(p.shots().get(0), p.previous(b.id()).orElseThrow());
        assertTrue(p.previous(p.shots().get(0).id()).isEmpty());
        assertTrue(p.activeTake(b.id()).isEmpty());
        assertEquals(p.shots().get(0).takes().get(1), p.activeTake(p.shots().get(0).id()).orElseThrow());
        assertEquals(4.0 + 2.5 + 4.0, p.durationSeconds(), 1e-9);
    }

    @Test
    void displayNameIsTheTitleOrTheStartOfThePrompt() {
        Project p = Fixtures.rich();
        assertEquals("Opening", p.shots().get(0).displayName());
        assertEquals("The beam sweeps over the sea", p.shots().get(1).displayName());
        Shot longPrompt = p.shots().get(1).withPrompt("word ".repeat(30));
        assertTrue(longPrompt.displayName().length() <= 40);
        assertTrue(longPrompt.displayName().endsWith("…"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"../outside.mp4", "media/../../etc/passwd", "/abs/media/x.mp4", "media/a/./b.mp4",
            "other/x.mp4", "media//x.mp4", "media\\..\\x.mp4", "C:/media/x.mp4"})
    void takeMediaMustStayInsideTheMediaFolder(String media) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Take("t", media,
                Fixtures.recipe("p", 1), null, 1, 16, 8, 8, ""));
        assertTrue(e.getMessage().contains("media/"), e.getMessage());
    }

    @Test
    void aDanglingActiveTakeFallsBackToNone() {
        Shot s = Fixtures.shot("x", 1);
        Shot dangling = s.withTakes(s.takes(), "not-a-take");
        assertEquals("", dangling.activeTakeId());
        assertTrue(dangling.activeTake().isEmpty());
    }

    @Test
    void targetFramesComeFromDurationUnlessSetExplicitly() {
        Shot s = Fixtures.shot("x", 0).withDuration(2.5);
        assertEquals(40, s.targetFrames()); // 2.5 s at 16 fps
        assertEquals(49, s.withSettings(s.settings().withFrames(49, 24)).targetFrames());
    }

    @Test
    void duplicateCopiesTheCardWithoutTakesRightAfterIt() {
        Project p = Fixtures.rich();
        Shot a = p.shots().get(0);
        Project q = new Commands.DuplicateShot(a.id(), "copy-id").apply(p);
        assertEquals(4, q.shots().size());
        Shot copy = q.shots().get(1);
        assertEquals("copy-id", copy.id());
        assertEquals(a.prompt(), copy.prompt());
        assertEquals(a.settings(), copy.settings());
        assertTrue(copy.takes().isEmpty());
        assertEquals("", copy.activeTakeId());
    }

    @Test
    void splitCutsTheDurationAndTheExplicitFramesAndContinuesFromTheFirstPart() {
        Project p = Fixtures.rich();
        Shot c = p.shots().get(2); // 4 s, 49 explicit frames
        Project q = new Commands.SplitShot(c.id(), 1.0, "second").apply(p);
        Shot first = q.shots().get(2);
        Shot second = q.shots().get(3);
        assertEquals(c.id(), first.id());
        assertEquals(1.0, first.durationSeconds(), 1e-12);
        assertEquals(3.0, second.durationSeconds(), 1e-12);
        assertEquals(49, first.settings().frames() + second.settings().frames());
        assertEquals(12, first.settings().frames());
        assertEquals(c.takes(), first.takes(), "takes stay with the first part");
        assertTrue(second.takes().isEmpty());
        assertTrue(second.continueFromPrevious());
        assertEquals(Mode.EXTEND, second.mode());
        assertEquals(c.prompt(), second.prompt());
        assertThrows(IllegalArgumentException.class, () -> new Commands.SplitShot(c.id(), 4.0, "x").apply(p));
        assertThrows(IllegalArgumentException.class, () -> new Commands.SplitShot(c.id(), 0, "x").apply(p));
    }

    @Test
    void moveClampsAndKeepsEveryShot() {
        Project p = Fixtures.rich();
        String a = p.shots().get(0).id();
        Project end = new Commands.MoveShot(a, 99).apply(p);
        assertEquals(a, end.shots().get(2).id());
        Project start = new Commands.MoveShot(a, -5).apply(end);
        assertEquals(p, start);
    }

    @Test
    void firstTakeBecomesActiveAndLaterOnesOnlyWhenAsked() {
        Project p = Fixtures.rich();
        String b = p.shots().get(1).id();
        Take t1 = Fixtures.take(b, "", 1);
        Take t2 = Fixtures.take(b, "", 2);
        Project q = new Commands.AddTake(b, t1, false).apply(p);
        assertEquals(t1.id(), q.requireShot(b).activeTakeId());
        q = new Commands.AddTake(b, t2, false).apply(q);
        assertEquals(t1.id(), q.requireShot(b).activeTakeId());
        q = new Commands.AddTake(b, Fixtures.take(b, "", 3), true).apply(q);
        assertEquals(3, q.requireShot(b).takes().size());
        assertNotEquals(t1.id(), q.requireShot(b).activeTakeId());
        Project dup = q;
        assertThrows(IllegalArgumentException.class, () -> new Commands.AddTake(b, t1, false).apply(dup));
    }

    @Test
    void deletingTheActiveTakeActivatesTheNewestRemaining() {
        Project p = Fixtures.rich();
        Shot a = p.shots().get(0);
        Take older = a.takes().get(0);
        Project q = new Commands.DeleteTake(a.id(), a.activeTakeId()).apply(p);
        assertEquals(older.id(), q.requireShot(a.id()).activeTakeId());
        q = new Commands.DeleteTake(a.id(), older.id()).apply(q);
        assertEquals("", q.requireShot(a.id()).activeTakeId());
        assertTrue(q.requireShot(a.id()).takes().isEmpty());
    }

    @Test
    void toggleFlipsTheCurrentValue() {
        Project p = Fixtures.rich();
        String b = p.shots().get(1).id();
        assertTrue(p.requireShot(b).continueFromPrevious());
        Project q = Commands.toggleContinueFromPrevious(p, b).apply(p);
        assertFalse(q.requireShot(b).continueFromPrevious());
        assertTrue(Commands.toggleContinueFromPrevious(q, b).apply(q).requireShot(b).continueFromPrevious());
    }

    @Test
    void aShotFromARecipeKeepsItsJobAndLocksItsSeed() {
        dev.kinora.engine.Recipe r = Fixtures.recipe("a gull takes off", 77);
        Shot s = Shot.fromRecipe(r, "gull", List.of());
        assertEquals(JobSpec.forShot(s, 77).settings(), r.resolved().withShift(Float.NaN), "the shot asks for the recipe's job (shift is per job)");
        assertTrue(s.settings().seedLocked());
        assertEquals(r.frames() / r.fps(), s.durationSeconds(), 1e-9);
        assertEquals(s.settings().frames(), s.targetFrames());
        assertTrue(s.takes().isEmpty());
    }

    @Test
    void invalidValuesAreRefusedWithAMessage() {
        assertThrows(IllegalArgumentException.class, () -> Fixtures.shot("x", 0).withDuration(0));
        assertThrows(IllegalArgumentException.class, () -> Fixtures.shot("x", 0).withDuration(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> ShotSettings.DEFAULTS.withVariations(0));
        Shot s = Fixtures.shot("x", 0);
        assertThrows(IllegalArgumentException.class, () -> Project.empty("p").withShots(List.of(s, s)));
    }
}
