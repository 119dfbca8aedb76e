package dev.kinora.project;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kills a real session with SIGKILL mid-edit and checks what the next session can recover. */
class CrashTest {
    @TempDir
    Path tmp;

    /** The promise is "at most the last second"; the slack absorbs a loaded CI machine's scheduling. */
    private static final long PROMISE_NANOS = TimeUnit.MILLISECONDS.toNanos(1000 + 1000);

    @Test
    void killingTheProcessLosesOnlyTheLastMomentAndNeverAFinishedTake() throws Exception {
        Clock clock = Clock.systemUTC();
        RecentProjects recents = new RecentProjects(tmp.resolve("recent.json"), clock);
        OpenResult created = ProjectStore.create(tmp.resolve("crash"), "crash", clock, recents);
        Project start = Fixtures.rich();
        created.store().save(start);

        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                CrashChild.class.getName(), created.store().dir().toString())
                .redirectError(tmp.resolve("child.err").toFile())
                .start();
        List<long[]> done = new ArrayList<>(); // {edit, when the parent saw it}
        long firstSeen = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                long now = System.nanoTime();
                done.add(new long[] {Long.parseLong(line.trim()), now});
                if (firstSeen == 0) {
                    firstSeen = now;
                }
                if (now - firstSeen > TimeUnit.MILLISECONDS.toNanos(3500)) {
                    break;
                }
            }
            long killedAt = System.nanoTime();
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            assertFalse(done.isEmpty(), "the child never edited: " + Files.readString(tmp.resolve("child.err")));

            OpenResult reopened = ProjectStore.open(created.store().dir(), clock, recents);
            assertFalse(reopened.readOnly(), reopened.message());
            assertEquals(start, reopened.project(), "project.json still holds the last explicit save");
            assertTrue(reopened.store().recovery().isPresent(), "the journal must be offered");
            Project recovered = reopened.store().recover();

            int lastRename = Integer.parseInt(recovered.name().substring("edit-".length()));
            long mustHave = done.stream().filter(d -> d[1] < killedAt - PROMISE_NANOS).mapToLong(d -> d[0]).max().orElse(0);
            long lastDone = done.get(done.size() - 1)[0];
            assertTrue(lastRename >= mustHave - 5, "recovered edit " + lastRename + " but edit " + mustHave
                    + " was done more than 2 s before the kill (last edit seen: " + lastDone + ")");
            assertTrue(lastRename <= lastDone + 5, "recovered an edit from the future? " + lastRename + " > " + lastDone);

            Shot shot = recovered.shots().get(0);
            int newTakes = shot.takes().size() - start.shots().get(0).takes().size();
            assertTrue(newTakes > 0, "some takes were journaled");
            for (Take t : shot.takes().subList(start.shots().get(0).takes().size(), shot.takes().size())) {
                byte[] data = Files.readAllBytes(reopened.store().resolve(t.media()));
                assertEquals(CrashChild.TAKE_BYTES, data.length, "take " + t.label() + " is complete on disk");
                int fill = Integer.parseInt(t.label().substring("take ".length()));
                for (byte b : data) {
                    assertEquals((byte) fill, b);
                }
            }
        } finally {
            child.destroyForcibly();
        }
    }
}
