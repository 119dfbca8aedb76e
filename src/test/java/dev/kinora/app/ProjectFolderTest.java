package dev.kinora.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.app.model.GenSettings;
import dev.kinora.app.model.JobRecord;
import dev.kinora.app.model.JobSpec;
import dev.kinora.app.model.JobState;
import dev.kinora.app.model.ProjectFolder;
import dev.kinora.app.model.Shot;
import dev.kinora.app.model.Storyboard;
import dev.kinora.app.model.Take;
import dev.kinora.app.model.TakeMedia;
import dev.kinora.engine.Frames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectFolderTest {
    @TempDir
    Path tmp;

    private static Storyboard sample() {
        Take t = new Take("take-1", "take-1.png", "p", "generate", 7, 8, 2, 8, 4, 4, true, "cpu", "2026-01-01T00:00:00Z");
        Shot s = new Shot("shot-1", "p", "n", 2, 0, false, List.of(t), "take-1");
        return new Storyboard("Sample", GenSettings.defaults().withSampling(12, Float.NaN, ""), List.of("p"), List.of(s));
    }

    @Test
    void aSavedProjectReopensEqual() throws Exception {
        ProjectFolder f = ProjectFolder.create(tmp.resolve("A.kinora"), sample());
        ProjectFolder.Loaded l = f.load();
        assertEquals(sample(), l.doc());
        assertFalse(l.readOnly());
        assertEquals("", l.message());
    }

    @Test
    void aNewerAutosaveIsRecoveredAndSaidSo() throws Exception {
        ProjectFolder f = ProjectFolder.create(tmp.resolve("A.kinora"), sample());
        Storyboard edited = sample().withTitle("Edited");
        f.autosave(edited);
        Files.setLastModifiedTime(f.dir().resolve(ProjectFolder.AUTOSAVE), FileTime.fromMillis(System.currentTimeMillis() + 5000));
        ProjectFolder.Loaded l = f.load();
        assertTrue(l.recovered());
        assertEquals("Edited", l.doc().title());
        assertTrue(l.message().startsWith("Recovered"));
        f.save(l.doc());
        assertFalse(f.hasAutosave(), "saving retires the autosave");
    }

    @Test
    void aTornAutosaveFallsBackToTheProjectFile() throws Exception {
        ProjectFolder f = ProjectFolder.create(tmp.resolve("A.kinora"), sample());
        Files.writeString(f.dir().resolve(ProjectFolder.AUTOSAVE), "{\"format\": 1, \"storyb");
        Files.setLastModifiedTime(f.dir().resolve(ProjectFolder.AUTOSAVE), FileTime.fromMillis(System.currentTimeMillis() + 5000));
        ProjectFolder.Loaded l = f.load();
        assertEquals(sample(), l.doc());
        assertFalse(l.readOnly());
    }

    @Test
    void aMalformedProjectOpensReadOnlyWithAMessageAndIsLeftUntouched() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("B.kinora"));
        Files.writeString(dir.resolve("project.json"), "{ not json");
        ProjectFolder.Loaded l = new ProjectFolder(dir).load();
        assertTrue(l.readOnly());
        assertTrue(l.message().contains("could not be read"), l.message());
        assertEquals("{ not json", Files.readString(dir.resolve("project.json")));
    }

    @Test
    void aProjectFromANewerKinoraOpensReadOnly() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("C.kinora"));
        Files.writeString(dir.resolve("project.json"), "{\"format\": 99, \"kinora\": \"9.0\", \"storyboard\": {\"title\": \"Future\", \"shots\": [], \"hologram\": true}}");
        ProjectFolder.Loaded l = new ProjectFolder(dir).load();
        assertTrue(l.readOnly());
        assertEquals("Future", l.doc().title());
        assertTrue(l.message().contains("newer Kinora"), l.message());
    }

    @Test
    void aJobRunningAtACrashComesBackInterrupted() throws Exception {
        ProjectFolder f = ProjectFolder.create(tmp.resolve("D.kinora"), sample());
        JobSpec spec = new JobSpec("shot-1", "p", "", GenSettings.defaults(), 5, List.of());
        f.saveQueue(List.of(new JobRecord("j1", spec, JobState.RUNNING, 0.5, "", "cpu", "", ""),
                new JobRecord("j2", spec, JobState.QUEUED, 0, "", "", "", "")));
        List<JobRecord> back = f.loadQueue();
        assertEquals(JobState.INTERRUPTED, back.get(0).state());
        assertEquals(JobState.QUEUED, back.get(1).state());
        assertEquals(spec, back.get(1).spec());
    }

    @Test
    void takesRoundTripAsLosslessFilmStrips() throws Exception {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            byte[] b = new byte[5 * 4 * 3];
            for (int k = 0; k < b.length; k++) {
                b[k] = (byte) (k * 7 + i * 31);
            }
            frames.add(b);
        }
        Frames f = new Frames(5, 4, 8, frames);
        Path p = tmp.resolve("t.png");
        TakeMedia.write(f, p);
        Frames back = TakeMedia.read(p, 4, 8);
        assertEquals(3, back.count());
        for (int i = 0; i < 3; i++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(f.frame(i), back.frame(i));
        }
    }

    @Test
    void missingMediaIsFoundAndRelinkedByName() throws Exception {
        ProjectFolder f = ProjectFolder.create(tmp.resolve("E.kinora"), sample());
        assertEquals(1, f.missingMedia(sample()).size());
        Path elsewhere = Files.createDirectories(tmp.resolve("backup/deep"));
        Files.writeString(elsewhere.resolve("take-1.png"), "x");
        assertEquals(1, f.relink(sample(), tmp.resolve("backup")));
        assertTrue(f.missingMedia(sample()).isEmpty());
    }
}
