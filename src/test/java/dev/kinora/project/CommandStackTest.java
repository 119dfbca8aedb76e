package dev.kinora.project;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.engine.pack.Mode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CommandStackTest {

    private static Arguments cmd(String label, Function<Project, Command> make) {
        return Arguments.of(label, make);
    }

    /** Every storyboard command, built against the rich fixture. */
    static Stream<Arguments> everyCommand() {
        return Stream.of(
                cmd("add shot", p -> new Commands.AddShot(Fixtures.shot("new", 0), 1)),
                cmd("append shot", p -> Commands.appendShot(Fixtures.shot("last", 1))),
                cmd("duplicate shot", p -> Commands.duplicateShot(p.shots().get(0).id())),
                cmd("delete shot", p -> new Commands.DeleteShot(p.shots().get(1).id())),
                cmd("split shot", p -> Commands.splitShot(p.shots().get(2).id(), 1.0)),
                cmd("move shot", p -> new Commands.MoveShot(p.shots().get(0).id(), 2)),
                cmd("set duration", p -> new Commands.SetDuration(p.shots().get(0).id(), 7.25)),
                cmd("set title", p -> new Commands.SetTitle(p.shots().get(1).id(), "Beam")),
                cmd("edit prompt", p -> new Commands.EditPrompt(p.shots().get(0).id(), "changed")),
                cmd("edit negative", p -> new Commands.EditNegativePrompt(p.shots().get(0).id(), "")),
                cmd("set mode", p -> new Commands.SetMode(p.shots().get(0).id(), Mode.LOOP)),
                cmd("set settings", p -> new Commands.SetShotSettings(p.shots().get(0).id(),
                        p.shots().get(0).settings().withSeed(9, false).withVariations(3))),
                cmd("set sources", p -> new Commands.SetSources(p.shots().get(0).id(),
                        List.of(new SourceRef("media/in/end.png", SourceRole.END)))),
                cmd("toggle continue", p -> Commands.toggleContinueFromPrevious(p, p.shots().get(1).id())),
                cmd("add take", p -> new Commands.AddTake(p.shots().get(1).id(), Fixtures.take(p.shots().get(1).id(), "", 5), true)),
                cmd("set active take", p -> new Commands.SetActiveTake(p.shots().get(0).id(), p.shots().get(0).takes().get(0).id())),
                cmd("delete take", p -> new Commands.DeleteTake(p.shots().get(0).id(), p.shots().get(0).activeTakeId())),
                cmd("rename take", p -> new Commands.RenameTake(p.shots().get(2).id(), p.shots().get(2).takes().get(0).id(), "keeper")),
                cmd("rename project", p -> new Commands.RenameProject("Lighthouse v2")),
                cmd("project settings", p -> new Commands.SetProjectSettings(new ProjectSettings("other", 1280, 720, 24))),
                cmd("relink source", p -> new Commands.RelinkSource("media/in/gulls.mp4", "/new/gulls.mp4")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyCommand")
    void undoRestoresTheDocumentAndRedoReappliesIt(String label, Function<Project, Command> make) {
        Project start = Fixtures.rich();
        CommandStack stack = new CommandStack(start);
        Command c = make.apply(start);
        Project after = stack.execute(c);
        assertNotEquals(start, after, label + " should change the document");
        assertEquals(Optional.of(c.name()), stack.undoName());

        assertTrue(stack.undo());
        assertEquals(start, stack.current());
        assertFalse(stack.isDirty());
        assertTrue(stack.redo());
        assertEquals(after, stack.current());
        assertEquals(c.apply(start), stack.current(), "a command applies the same way twice (ids chosen up front)");
    }

    @Test
    void aLongSequenceUndoesBackToTheStartAndRedoesToTheEnd() {
        Project start = Fixtures.rich();
        CommandStack stack = new CommandStack(start);
        List<Project> states = new ArrayList<>(List.of(start));
        everyCommand().forEach(a -> {
            @SuppressWarnings("unchecked")
            Function<Project, Command> make = (Function<Project, Command>) a.get()[1];
            Command c;
            try {
                c = make.apply(stack.current());
            } catch (RuntimeException e) {
                return; // some commands target shots an earlier command removed
            }
            try {
                stack.execute(c);
                states.add(stack.current());
            } catch (IllegalArgumentException e) {
                // not applicable at this point of the sequence: must leave no trace
                assertEquals(states.get(states.size() - 1), stack.current());
            }
        });
        assertTrue(states.size() > 15, "most commands applied: " + states.size());
        for (int i = states.size() - 1; i > 0; i--) {
            assertEquals(states.get(i), stack.current());
            assertTrue(stack.undo());
        }
        assertEquals(start, stack.current());
        assertFalse(stack.canUndo());
        while (stack.redo()) {
            // replay
        }
        assertEquals(states.get(states.size() - 1), stack.current());
    }

    @Test
    void revisionCountsEveryChangeAndNeverGoesDown() {
        CommandStack stack = new CommandStack(Fixtures.rich());
        String id = stack.current().shots().get(0).id();
        long r0 = stack.revision();
        stack.execute(new Commands.SetDuration(id, 5));
        long r1 = stack.revision();
        stack.undo();
        long r2 = stack.revision();
        stack.redo();
        long r3 = stack.revision();
        assertTrue(r0 < r1 && r1 < r2 && r2 < r3, r0 + " " + r1 + " " + r2 + " " + r3);
        assertFalse(stack.redo(), "nothing left to redo");
        assertEquals(r3, stack.revision(), "a failed redo is not a change");
    }

    @Test
    void dirtyFollowsTheSavedDocumentThroughUndoAndRedo() {
        CommandStack stack = new CommandStack(Fixtures.rich());
        String id = stack.current().shots().get(0).id();
        assertFalse(stack.isDirty());
        stack.execute(new Commands.SetDuration(id, 5));
        assertTrue(stack.isDirty());
        stack.undo();
        assertFalse(stack.isDirty(), "undone back to the saved document");
        stack.redo();
        stack.markSaved(stack.current());
        assertFalse(stack.isDirty());
        stack.undo();
        assertTrue(stack.isDirty(), "the saved file has the edit; the document no longer does");
        stack.redo();
        assertFalse(stack.isDirty());
    }

    @Test
    void markingAnOlderSnapshotSavedKeepsLaterEditsDirty() {
        CommandStack stack = new CommandStack(Fixtures.rich());
        String id = stack.current().shots().get(0).id();
        stack.execute(new Commands.SetDuration(id, 5));
        CommandStack.Snapshot beingSaved = stack.snapshot();
        stack.execute(new Commands.SetDuration(id, 6)); // the artist keeps working while the save runs
        stack.markSaved(beingSaved.project());
        assertTrue(stack.isDirty());
    }

    @Test
    void consecutivePromptEditsOfOneShotAreOneUndoStep() {
        Project start = Fixtures.rich();
        CommandStack stack = new CommandStack(start);
        String id = start.shots().get(0).id();
        for (String typed : List.of("A", "A l", "A li", "A lig", "A ligh")) {
            stack.execute(new Commands.EditPrompt(id, typed));
        }
        assertEquals("A ligh", stack.current().requireShot(id).prompt());
        assertTrue(stack.undo());
        assertEquals(start, stack.current(), "one undo reverts all the typing");
        assertFalse(stack.canUndo());
        assertTrue(stack.redo());
        assertEquals("A ligh", stack.current().requireShot(id).prompt());
    }

    @Test
    void promptEditsOfDifferentShotsOrAcrossABreakAreSeparateSteps() {
        Project start = Fixtures.rich();
        CommandStack stack = new CommandStack(start);
        String a = start.shots().get(0).id();
        String b = start.shots().get(1).id();
        stack.execute(new Commands.EditPrompt(a, "one"));
        stack.execute(new Commands.EditPrompt(b, "two"));
        stack.execute(new Commands.EditPrompt(b, "two more"));
        stack.breakCoalescing();
        stack.execute(new Commands.EditPrompt(b, "three"));
        stack.undo();
        assertEquals("two more", stack.current().requireShot(b).prompt());
        stack.undo();
        assertEquals(start.requireShot(b).prompt(), stack.current().requireShot(b).prompt());
        assertEquals("one", stack.current().requireShot(a).prompt());
        stack.undo();
        assertEquals(start, stack.current());
    }

    @Test
    void anotherCommandInBetweenEndsCoalescing() {
        Project start = Fixtures.rich();
        CommandStack stack = new CommandStack(start);
        String a = start.shots().get(0).id();
        stack.execute(new Commands.EditPrompt(a, "one"));
        stack.execute(new Commands.SetMode(a, Mode.LOOP));
        stack.execute(new Commands.EditPrompt(a, "one two"));
        stack.undo();
        assertEquals("one", stack.current().requireShot(a).prompt());
        assertEquals(Mode.LOOP, stack.current().requireShot(a).mode());
    }

    @Test
    void typingAfterASaveStartsANewUndoStepSoTheSavedTextIsReachable() {
        Project start = Fixtures.rich();
        CommandStack stack = new CommandStack(start);
        String a = start.shots().get(0).id();
        stack.execute(new Commands.EditPrompt(a, "saved text"));
        stack.markSaved(stack.current());
        stack.execute(new Commands.EditPrompt(a, "saved text and more"));
        stack.undo();
        assertEquals("saved text", stack.current().requireShot(a).prompt());
        assertFalse(stack.isDirty());
    }

    @Test
    void aCommandThatChangesNothingLeavesNoStep() {
        Project start = Fixtures.rich();
        CommandStack stack = new CommandStack(start);
        String a = start.shots().get(0).id();
        long r = stack.revision();
        stack.execute(new Commands.EditPrompt(a, start.requireShot(a).prompt()));
        assertFalse(stack.canUndo());
        assertEquals(r, stack.revision());
        assertFalse(stack.isDirty());
    }

    @Test
    void aFailingCommandLeavesDocumentAndHistoryAlone() {
        Project start = Fixtures.rich();
        CommandStack stack = new CommandStack(start);
        assertThrows(IllegalArgumentException.class, () -> stack.execute(new Commands.DeleteShot("no-such-shot")));
        assertThrows(IllegalArgumentException.class,
                () -> stack.execute(new Commands.SetDuration(start.shots().get(0).id(), -1)));
        assertSame(start, stack.current());
        assertFalse(stack.canUndo());
    }

    @Test
    void newEditAfterUndoDropsTheRedoBranch() {
        Project start = Fixtures.rich();
        CommandStack stack = new CommandStack(start);
        String a = start.shots().get(0).id();
        stack.execute(new Commands.SetDuration(a, 5));
        stack.undo();
        assertTrue(stack.canRedo());
        stack.execute(new Commands.SetDuration(a, 6));
        assertFalse(stack.canRedo());
    }

    @Test
    void listenersHearEveryChangeWithTheNewDocumentAndCanBeRemoved() {
        CommandStack stack = new CommandStack(Fixtures.rich());
        List<Project> heard = new ArrayList<>();
        Runnable remove = stack.addListener(heard::add);
        stack.execute(new Commands.RenameProject("B"));
        stack.undo();
        stack.redo();
        assertEquals(List.of("B", "Lighthouse", "B"), heard.stream().map(Project::name).toList());
        remove.run();
        stack.undo();
        assertEquals(3, heard.size());
    }

    @Test
    void historyIsBoundedButTheDocumentIsNot() {
        CommandStack stack = new CommandStack(Fixtures.rich(), 3);
        for (int i = 0; i < 10; i++) {
            stack.execute(new Commands.RenameProject("n" + i));
        }
        int undone = 0;
        while (stack.undo()) {
            undone++;
        }
        assertEquals(3, undone);
        assertEquals("n6", stack.current().name());
    }

    @Test
    void resetForgetsHistory() {
        CommandStack stack = new CommandStack(Fixtures.rich());
        stack.execute(new Commands.RenameProject("B"));
        Project other = Project.empty("Other");
        stack.reset(other, false);
        assertFalse(stack.canUndo());
        assertTrue(stack.isDirty(), "a recovered document is not saved yet");
        assertSame(other, stack.current());
    }
}
