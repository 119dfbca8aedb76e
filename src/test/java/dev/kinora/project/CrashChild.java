package dev.kinora.project;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;

/**
 * A studio session reduced to its edits, run in its own JVM by {@link CrashTest} and killed with
 * SIGKILL: renames the project ("edit-N") every 20 ms and, every fifth edit, finishes a take the way
 * the studio must (media written and fsynced, then the take added).
 */
public final class CrashChild {
    static final int TAKE_BYTES = 64 * 1024;

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Clock clock = Clock.systemUTC();
        OpenResult r = ProjectStore.open(dir, clock, new RecentProjects(dir.resolveSibling("recent.json"), clock));
        CommandStack stack = new CommandStack(r.project());
        Autosaver autosaver = new Autosaver(r.store(), stack, clock);
        autosaver.start();
        String shot = stack.current().shots().get(0).id();
        for (int i = 1; ; i++) {
            if (i % 5 == 0) {
                ProjectStore.MediaSlot slot = r.store().newTakeSlot(shot, "bin");
                writeFully(slot.file(), i);
                Take t = new Take(slot.takeId(), slot.media(), Fixtures.recipe("crash", i), Instant.now(), 4, 16, 8, 8, "take " + i);
                stack.execute(new Commands.AddTake(shot, t, true));
            } else {
                stack.execute(new Commands.RenameProject("edit-" + i));
            }
            System.out.println(i);
            System.out.flush();
            Thread.sleep(20);
        }
    }

    private static void writeFully(Path file, int fill) throws IOException {
        byte[] data = new byte[TAKE_BYTES];
        Arrays.fill(data, (byte) fill);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(data);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
    }
}
