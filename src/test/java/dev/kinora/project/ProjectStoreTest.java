package dev.kinora.project;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.engine.Direction;
import dev.kinora.engine.Recipe;
import dev.kinora.engine.pack.Mode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectStoreTest {
    @TempDir
    Path tmp;
    Fixtures.MutableClock clock;
    RecentProjects recents;

    @BeforeEach
    void setUp() {
        clock = new Fixtures.MutableClock(Instant.parse("2026-11-22T01:00:00Z"));
        recents = new RecentProjects(tmp.resolve("config/recent.json"), clock);
    }

    private OpenResult create(String name) throws IOException {
        return ProjectStore.create(tmp.resolve(name), name, clock, recents);
    }

    private OpenResult open(Path dir) throws IOException {
        return ProjectStore.open(dir, clock, recents);
    }

    /** Writes project.json as given, as if a hand, a newer build or a bad disk had. */
    private Path projectWithFile(String json) throws IOException {
        Path dir = create("p").store().dir();
        Files.writeString(dir.resolve(ProjectStore.PROJECT_FILE), json);
        return dir;
    }

    @Test
    void createMakesAKinoraFolderWithMediaAndAnEmptyProject() throws IOException {
        OpenResult r = create("Lighthouse");
        Path dir = r.store().dir();
        assertTrue(dir.getFileName().toString().endsWith(".kinora"));
        assertTrue(Files.isDirectory(dir.resolve("media")));
        assertTrue(Files.isRegularFile(dir.resolve("project.json")));
        assertFalse(r.readOnly());
        assertEquals("", r.message());
        assertEquals(Project.empty("Lighthouse"), r.project());
        assertEquals(r.project(), open(dir).project());
    }

    @Test
    void createRefusesAFolderWithFilesInIt() throws IOException {
        Path dir = tmp.resolve("busy.kinora");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("notes.txt"), "mine");
        assertThrows(FileAlreadyExistsException.class, () -> ProjectStore.create(dir, "busy", clock, recents));
        assertEquals("mine", Files.readString(dir.resolve("notes.txt")));
    }

    @Test
    void saveThenOpenGivesAnEqualDocument() throws IOException {
        OpenResult r = create("round");
        Project p = Fixtures.rich();
        r.store().save(p);
        OpenResult back = open(r.store().dir());
        assertFalse(back.readOnly(), back.message());
        assertEquals(p, back.project());
        // NaN guidance ("pack default") and the recipe's NaN survive as NaN, not 0
        assertTrue(Float.isNaN(back.project().shots().get(0).settings().guidance()));
        assertTrue(Float.isNaN(back.project().shots().get(0).takes().get(0).recipe().guidance()));
        assertTrue(back.project().shots().get(2).settings().asTyped(), "the remix shot's prompt is sent as typed");
        assertFalse(back.project().shots().get(0).settings().asTyped());
        // and saving what was opened writes the same bytes (apart from savedAt)
        String first = Files.readString(r.store().projectFile()).replaceAll("\"savedAt\".*", "");
        back.store().save(back.project());
        assertEquals(first, Files.readString(r.store().projectFile()).replaceAll("\"savedAt\".*", ""));
    }

    @Test
    void saveKeepsThePreviousSaveAsBak() throws IOException {
        OpenResult r = create("bak");
        Project one = Fixtures.rich();
        r.store().save(one);
        byte[] firstSave = Files.readAllBytes(r.store().projectFile());
        r.store().save(one.withName("second"));
        assertArrayEquals(firstSave, Files.readAllBytes(r.store().dir().resolve("project.json.bak")));
        assertEquals("second", open(r.store().dir()).project().name());
    }

    @Test
    void aFailedWriteLeavesTheSavedFileIntact() throws IOException {
        OpenResult r = create("atomic");
        Project saved = Fixtures.rich();
        r.store().save(saved);
        byte[] before = Files.readAllBytes(r.store().projectFile());
        // Tests run as root, so permissions cannot make the write fail: a non-empty folder where the
        // temp file must go can (it cannot be deleted or opened as a file).
        Path tempSpot = r.store().dir().resolve("project.json.tmp");
        Files.createDirectories(tempSpot.resolve("blocker"));

        assertThrows(IOException.class, () -> r.store().save(saved.withName("never written")));

        assertArrayEquals(before, Files.readAllBytes(r.store().projectFile()));
        assertEquals(saved, open(r.store().dir()).project());
    }

    @Test
    void aBackupThatCannotBeWrittenDoesNotStopTheSave() throws IOException {
        OpenResult r = create("nobak");
        r.store().save(Fixtures.rich());
        Files.createDirectories(r.store().dir().resolve("project.json.bak.tmp/blocker"));
        Project next = Fixtures.rich().withName("saved anyway");
        r.store().save(next);
        assertEquals(next, open(r.store().dir()).project());
    }

    @Test
    void atomicWriteReplacesWholeAndLeavesNoTemp() throws IOException {
        Path f = tmp.resolve("a/b/file.json");
        AtomicFiles.write(f, "one".getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(f, "two".getBytes(StandardCharsets.UTF_8));
        assertEquals("two", Files.readString(f));
        assertFalse(Files.exists(AtomicFiles.tempFor(f)));
        // a stale temp from a crash is simply replaced
        Files.writeString(AtomicFiles.tempFor(f), "half-writ");
        AtomicFiles.write(f, "three".getBytes(StandardCharsets.UTF_8));
        assertEquals("three", Files.readString(f));
    }

    @Test
    void malformedJsonOpensReadOnlyFromTheBackupWithAMessage() throws IOException {
        OpenResult r = create("broken");
        Project good = Fixtures.rich();
        r.store().save(good);
        r.store().save(good.withName("newer")); // bak = good
        Files.writeString(r.store().projectFile(), "{\"formatVersion\": 1, \"shots\": [ {\"id\": ");

        OpenResult back = open(r.store().dir());
        assertTrue(back.readOnly());
        assertTrue(back.store().readOnly());
        assertTrue(back.message().contains("not valid JSON"), back.message());
        assertTrue(back.message().contains("project.json.bak"), back.message());
        assertEquals(good, back.project());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> back.store().save(good));
        assertTrue(e.getMessage().contains("Save As"), e.getMessage());
        assertTrue(Files.readString(r.store().projectFile()).startsWith("{\"formatVersion\": 1, \"shots\""),
                "the damaged file is left for the artist to rescue");
    }

    @Test
    void malformedJsonWithoutBackupOpensEmptyReadOnly() throws IOException {
        Path dir = projectWithFile("not json at all");
        OpenResult back = open(dir);
        assertTrue(back.readOnly());
        assertTrue(back.project().shots().isEmpty());
        assertTrue(back.message().contains("not valid JSON"), back.message());
    }

    @Test
    void aProjectFileWhoseFirstBytesLookLikeUtf32OpensTheBackupInsteadOfFailing() throws IOException {
        // Found by ProjectCodecFuzzTest: Jackson guesses UTF-32 from the zero bytes and throws a plain
        // CharConversionException, not a JsonProcessingException, so open() used to throw.
        OpenResult r = create("utf32");
        Project good = Fixtures.rich();
        r.store().save(good);
        r.store().save(good.withName("newer"));
        Files.write(r.store().projectFile(), new byte[] {0x0e, 0, 0, 0, 0, 0, 0, 0, ']', ']', ']', ']', '\n', '}'});

        OpenResult back = open(r.store().dir());
        assertTrue(back.readOnly());
        assertTrue(back.message().contains("not valid JSON") && back.message().contains("UTF-32"), back.message());
        assertEquals(good, back.project());
    }

    @Test
    void aNewerFormatOpensReadOnlyAndIsNeverOverwritten() throws IOException {
        String newer = "{\"formatVersion\": 2, \"name\": \"Future\", \"shots\": [], \"layers\": [1, 2]}";
        Path dir = projectWithFile(newer);
        OpenResult back = open(dir);
        assertTrue(back.readOnly());
        assertTrue(back.message().contains("newer Kinora"), back.message());
        assertTrue(back.message().contains("format 2"), back.message());
        assertEquals("Future", back.project().name());
        assertThrows(IllegalStateException.class, () -> back.store().save(back.project()));
        back.store().writeJournal(back.project(), clock.instant());
        assertFalse(Files.exists(back.store().journalFile()), "read-only projects are not touched, not even by autosave");
        assertEquals(newer, Files.readString(dir.resolve("project.json")));
    }

    @Test
    void unknownRequiredFeaturesOpenReadOnly() throws IOException {
        Path dir = projectWithFile("{\"formatVersion\": 1, \"requires\": [\"audio-tracks\"], \"shots\": []}");
        OpenResult back = open(dir);
        assertTrue(back.readOnly());
        assertTrue(back.message().contains("audio-tracks"), back.message());
    }

    @Test
    void unknownOptionalFieldsAreIgnored() throws IOException {
        Path dir = projectWithFile("{\"formatVersion\": 1, \"name\": \"n\", \"colourGrade\": {\"lut\": \"x\"}, \"shots\": []}");
        OpenResult back = open(dir);
        assertFalse(back.readOnly(), back.message());
        assertEquals("n", back.project().name());
    }

    @Test
    void missingOptionalFieldsGetDefaults() throws IOException {
        String minimal = """
                {"formatVersion": 1,
                 "shots": [ {"id": "s1", "prompt": "a cat",
                             "takes": [ {"id": "t1", "media": "media/s1/t1.mp4",
                                         "recipe": {"packId": "tinyworld", "seed": 5, "fps": 24.0, "frames": 48}} ],
                             "activeTakeId": "t1"},
                            {"id": "s2"} ]}
                """;
        Path dir = projectWithFile(minimal);
        OpenResult back = open(dir);
        assertFalse(back.readOnly(), back.message());
        Project p = back.project();
        assertEquals("p", p.name(), "the folder name stands in for a missing name");
        assertEquals(ProjectSettings.DEFAULTS, p.settings());
        Shot s1 = p.shots().get(0);
        assertEquals(Mode.GENERATE, s1.mode());
        assertEquals(Shot.DEFAULT_DURATION, s1.durationSeconds());
        assertEquals("", s1.negativePrompt());
        assertEquals(1, s1.settings().variations());
        assertTrue(Float.isNaN(s1.settings().guidance()));
        Take t = s1.activeTake().orElseThrow();
        assertEquals(48, t.frames(), "frames default to the recipe's");
        assertEquals(24.0, t.fps(), "fps default to the recipe's");
        assertEquals("", t.recipe().prompt());
        assertEquals(List.of(), t.recipe().sources());
        assertEquals("", p.shots().get(1).prompt());
    }

    @Test
    void aProjectSavedBeforeTheSettingsRecordReadsTypedAndWritesBackTheSameText() throws Exception {
        // rich-project was written when recipes held mode and direction as strings (an early build wrote
        // the direction upper-case); apart from that spelling it must come back byte for byte.
        String old;
        try (var in = getClass().getResourceAsStream("ProjectCodecFuzzTestInputs/projectJson/rich-project")) {
            old = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
        Project p = ProjectCodec.read(Json.parse(old.getBytes(StandardCharsets.UTF_8)), "x");
        Recipe r = p.shots().get(0).takes().get(0).recipe();
        assertEquals(Mode.GENERATE, r.mode());
        assertEquals(Direction.FORWARD, r.direction());
        assertEquals("tinyworld", r.packId());
        assertTrue(Float.isNaN(r.guidance()));
        assertEquals(old.replace("\"FORWARD\"", "\"forward\""), Json.MAPPER.writeValueAsString(ProjectCodec.write(p)));
    }

    @Test
    void aTakesRecipeWithoutAModeIsAGenerationAndAnUnknownModeOpensReadOnlyNamingTheTake() throws IOException {
        // Saves before typed recipes wrote an absent mode back as "": both read as generate, as a shot's do.
        Path dir = projectWithFile("""
                {"formatVersion": 1, "shots": [ {"id": "s", "takes": [
                  {"id": "t1", "media": "media/s/t1.mp4", "recipe": {"packId": "tinyworld"}},
                  {"id": "t2", "media": "media/s/t2.mp4", "recipe": {"packId": "tinyworld", "mode": "", "direction": ""}} ]} ]}""");
        OpenResult ok = open(dir);
        assertFalse(ok.readOnly(), ok.message());
        for (Take t : ok.project().shots().get(0).takes()) {
            assertEquals(Mode.GENERATE, t.recipe().mode());
            assertEquals(Direction.FORWARD, t.recipe().direction());
        }

        Files.writeString(dir.resolve(ProjectStore.PROJECT_FILE), """
                {"formatVersion": 1, "shots": [ {"id": "s", "takes": [
                  {"id": "t1", "media": "media/s/t1.mp4", "recipe": {"packId": "tinyworld", "mode": "dance"}} ]} ]}""");
        OpenResult mode = open(dir);
        assertTrue(mode.readOnly());
        assertTrue(mode.message().contains("take 1 (t1)") && mode.message().contains("unknown mode 'dance'")
                && !mode.message().contains("Cannot construct"), mode.message());

        Files.writeString(dir.resolve(ProjectStore.PROJECT_FILE), """
                {"formatVersion": 1, "shots": [ {"id": "s", "takes": [
                  {"id": "t1", "media": "media/s/t1.mp4", "recipe": {"packId": "tinyworld", "mode": "extend", "direction": "up"}} ]} ]}""");
        OpenResult dir2 = open(dir);
        assertTrue(dir2.readOnly());
        assertTrue(dir2.message().contains("direction 'up'"), dir2.message());
    }

    @Test
    void missingRequiredFieldsOrBadValuesOpenReadOnlyNamingTheShot() throws IOException {
        Path noId = projectWithFile("{\"formatVersion\": 1, \"shots\": [{\"id\": \"a\"}, {\"prompt\": \"x\"}]}");
        OpenResult r1 = open(noId);
        assertTrue(r1.readOnly());
        assertTrue(r1.message().contains("shot 2 has no \"id\""), r1.message());

        Files.writeString(noId.resolve("project.json"), "{\"formatVersion\": 1, \"shots\": [{\"id\": \"a\", \"durationSeconds\": \"long\"}]}");
        OpenResult r2 = open(noId);
        assertTrue(r2.readOnly());
        assertTrue(r2.message().contains("durationSeconds"), r2.message());

        Files.writeString(noId.resolve("project.json"), "{\"shots\": []}");
        OpenResult r3 = open(noId);
        assertTrue(r3.readOnly());
        assertTrue(r3.message().contains("formatVersion"), r3.message());
    }

    @Test
    void aTakePointingOutsideTheProjectIsRefused() throws IOException {
        Path dir = projectWithFile("""
                {"formatVersion": 1, "shots": [ {"id": "s", "takes": [
                  {"id": "t", "media": "media/../../../home/user/.ssh/id_rsa", "recipe": {}} ]} ]}""");
        OpenResult r = open(dir);
        assertTrue(r.readOnly());
        assertTrue(r.message().contains("media/"), r.message());
    }

    @Test
    void openingSomethingThatIsNotAProjectSaysSo() {
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> open(tmp));
        assertTrue(e.getMessage().contains("not a Kinora project"), e.getMessage());
        assertThrows(NoSuchFileException.class, () -> open(tmp.resolve("absent.kinora")));
    }

    @Test
    void saveAsCopiesMediaAndLeavesTheOriginalAlone() throws IOException {
        OpenResult r = create("orig");
        Project p = Fixtures.rich();
        for (Shot s : p.shots()) {
            for (Take t : s.takes()) {
                Path f = r.store().resolve(t.media());
                Files.createDirectories(f.getParent());
                Files.writeString(f, "frames of " + t.id());
            }
        }
        Files.createDirectories(r.store().dir().resolve("media/in"));
        Files.writeString(r.store().dir().resolve("media/in/gulls.mp4"), "gulls");
        Files.writeString(r.store().dir().resolve("media/in/last.png"), "last");
        r.store().save(p);
        Files.writeString(r.store().queueFile(), "{\"formatVersion\":1,\"jobs\":[]}");

        ProjectStore copy = r.store().saveAs(p.withName("copy"), tmp.resolve("copy"));
        assertEquals(tmp.resolve("copy.kinora").toAbsolutePath().normalize(), copy.dir());
        assertFalse(copy.readOnly());
        OpenResult back = open(copy.dir());
        assertEquals(p.withName("copy"), back.project());
        for (Take t : p.shots().get(0).takes()) {
            assertEquals("frames of " + t.id(), Files.readString(copy.resolve(t.media())));
        }
        assertEquals("gulls", Files.readString(copy.dir().resolve("media/in/gulls.mp4")));
        assertFalse(Files.exists(copy.queueFile()), "queued jobs stay with the project they were queued in");
        assertEquals(p, open(r.store().dir()).project());
        assertTrue(copy.missingMedia(back.project()).stream().allMatch(m -> m.toString().startsWith("/abs/ref")),
                "only the source outside the project is missing: " + copy.missingMedia(back.project()));
    }

    @Test
    void saveAsFromAReadOnlyProjectGivesAWritableCopy() throws IOException {
        Path dir = projectWithFile("{\"formatVersion\": 3, \"name\": \"Future\", \"shots\": []}");
        OpenResult r = open(dir);
        assertTrue(r.readOnly());
        ProjectStore copy = r.store().saveAs(r.project(), tmp.resolve("rescued.kinora"));
        OpenResult back = open(copy.dir());
        assertFalse(back.readOnly(), back.message());
        assertEquals(Project.FORMAT_VERSION, back.project().formatVersion());
    }

    @Test
    void missingMediaListsTakesAndSourcesThatAreNotOnDisk() throws IOException {
        OpenResult r = create("missing");
        Project p = Fixtures.rich();
        Take present = p.shots().get(0).takes().get(0);
        Path f = r.store().resolve(present.media());
        Files.createDirectories(f.getParent());
        Files.writeString(f, "x");
        List<Path> missing = r.store().missingMedia(p);
        assertFalse(missing.contains(f));
        assertTrue(missing.contains(r.store().resolve(p.shots().get(0).takes().get(1).media())));
        assertTrue(missing.contains(Path.of("/abs/ref/image.png")));
        assertTrue(missing.contains(r.store().dir().resolve("media/in/gulls.mp4")));
    }

    @Test
    void relinkCopiesATakeIntoPlaceAndRepointsASourceUndoably() throws IOException {
        OpenResult r = create("relink");
        Project p = Fixtures.rich();
        CommandStack stack = new CommandStack(p);
        Take lost = p.shots().get(2).takes().get(0);
        Path found = tmp.resolve("found-on-usb.mp4");
        Files.writeString(found, "the frames");

        Command none = r.store().relink(p, r.store().resolve(lost.media()), found);
        assertEquals(p, stack.execute(none), "take media keeps its path inside the project");
        assertEquals("the frames", Files.readString(r.store().resolve(lost.media())));

        Path newImage = tmp.resolve("pictures/gulls.mp4");
        Files.createDirectories(newImage.getParent());
        Files.writeString(newImage, "g");
        Command relink = r.store().relink(p, r.store().dir().resolve("media/in/gulls.mp4"), newImage);
        Project q = stack.execute(relink);
        assertEquals(newImage.toString(), q.shots().get(2).sources().get(0).path());
        assertFalse(r.store().missingMedia(q).contains(newImage));
        stack.undo();
        assertEquals(p, stack.current());

        assertThrows(IllegalArgumentException.class, () -> r.store().relink(p, tmp.resolve("unrelated.mp4"), found));
        assertThrows(NoSuchFileException.class, () -> r.store().relink(p, Path.of("/abs/ref/image.png"), tmp.resolve("nope.png")));
    }

    @Test
    void referencesAreRelativeInsideTheProjectAndAbsoluteOutside() throws IOException {
        ProjectStore s = create("refs").store();
        assertEquals("media/in/a.png", s.reference(s.dir().resolve("media/in/a.png")));
        assertEquals(tmp.resolve("b.png").toAbsolutePath().toString(), s.reference(tmp.resolve("b.png")));
        ProjectStore.MediaSlot slot = s.newTakeSlot("shot-1", ".mp4");
        assertTrue(slot.media().startsWith("media/shot-1/"));
        assertTrue(slot.media().endsWith(".mp4"));
        assertEquals(s.resolve(slot.media()), slot.file());
        assertTrue(Files.isDirectory(slot.file().getParent()));
    }

    @Test
    void recentProjectsListsOpenedProjectsMostRecentFirst() throws IOException {
        Path a = create("a").store().dir();
        clock.advance(java.time.Duration.ofMinutes(1));
        Path b = create("b").store().dir();
        clock.advance(java.time.Duration.ofMinutes(1));
        open(a);
        List<RecentProjects.Entry> list = recents.list();
        assertEquals(List.of(a, b), list.stream().map(RecentProjects.Entry::dir).toList());
        assertTrue(list.get(0).exists());
        Files.writeString(recents.file(), "garbage");
        assertEquals(List.of(), recents.list(), "a broken list is an empty list, not an error");
        open(b);
        assertEquals(List.of(b), recents.list().stream().map(RecentProjects.Entry::dir).toList());
    }

    @Test
    void theUserRecentListHonoursTheKinoraConfigProperty() throws IOException {
        String before = System.getProperty("kinora.config");
        System.setProperty("kinora.config", tmp.resolve("cfg").toString());
        try {
            OpenResult r = ProjectStore.create(tmp.resolve("viaUser"), "viaUser");
            assertEquals(tmp.resolve("cfg/recent.json"), RecentProjects.user().file());
            assertEquals(r.store().dir(), RecentProjects.user().list().get(0).dir());
        } finally {
            if (before == null) {
                System.clearProperty("kinora.config");
            } else {
                System.setProperty("kinora.config", before);
            }
        }
    }
}
