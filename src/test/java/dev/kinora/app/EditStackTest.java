package dev.kinora.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.app.model.EditStack;
import dev.kinora.app.model.Storyboard;
import org.junit.jupiter.api.Test;

class EditStackTest {
    @Test
    void undoAndRedoRestoreExactDocumentsAndDriveTheDirtyFlag() {
        EditStack s = new EditStack(Storyboard.blank("t"));
        Storyboard first = s.doc();
        s.execute("Edit prompt", d -> d.mapShot("shot-1", x -> x.withPrompt("a", "")));
        Storyboard second = s.doc();
        assertTrue(s.dirty());
        assertEquals("Edit prompt", s.undoLabel().orElseThrow());
        s.undo();
        assertEquals(first, s.doc());
        s.redo();
        assertEquals(second, s.doc());
        s.markSaved();
        assertFalse(s.dirty());
        s.undo();
        assertTrue(s.dirty(), "undoing past the save point makes the project dirty again");
    }

    @Test
    void editsThatChangeNothingAreNotRecorded() {
        EditStack s = new EditStack(Storyboard.blank("t"));
        long rev = s.revision();
        s.execute("No-op", d -> d);
        assertEquals(rev, s.revision());
        assertFalse(s.canUndo());
    }

    @Test
    void aReadOnlyProjectRefusesEdits() {
        EditStack s = new EditStack(Storyboard.blank("t"));
        s.setReadOnly(true);
        assertFalse(s.execute("Edit", d -> d.withTitle("x")));
        assertEquals("t", s.doc().title());
    }

    @Test
    void aNewEditClearsTheRedoHistory() {
        EditStack s = new EditStack(Storyboard.blank("t"));
        s.execute("a", d -> d.withTitle("a"));
        s.undo();
        s.execute("b", d -> d.withTitle("b"));
        assertFalse(s.canRedo());
    }
}
