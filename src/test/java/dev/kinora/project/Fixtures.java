package dev.kinora.project;

import dev.kinora.engine.Direction;
import dev.kinora.engine.JobSettings;
import dev.kinora.engine.Recipe;
import dev.kinora.engine.pack.Mode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

/** Documents with every kind of value in them, so round trips and undo have something to lose. */
final class Fixtures {
    private Fixtures() {
    }

    static Recipe recipe(String prompt, long seed) {
        return new Recipe("0.1.0-test", "1.0", "ab".repeat(32), new JobSettings("tinyworld", Mode.GENERATE, prompt, "blurry",
                seed, 8, Float.NaN, "flow-euler", 3.0f, 33, 1f, Direction.FORWARD, 0, true, false), 16.0,
                List.of(new Recipe.SourceRef("media/in/start.png", "cd".repeat(32))));
    }

    static Take take(String shotId, String label, long seed) {
        String id = Ids.newId();
        return new Take(id, "media/" + shotId + "/" + id + ".mp4", recipe("prompt " + seed, seed),
                Instant.parse("2026-11-22T01:00:00Z").plusSeconds(seed), 33, 16.0, 832, 480, label);
    }

    static Shot shot(String prompt, int takes) {
        String id = Ids.newId();
        Shot s = new Shot(id, "", prompt, "low quality", Mode.GENERATE, 4.0, false,
                List.of(new SourceRef("/abs/ref/image.png", SourceRole.START)),
                new ShotSettings("tinyworld", 42, true, 8, Float.NaN, "", 0, 16, 2, false), List.of(), "");
        for (int i = 0; i < takes; i++) {
            Take t = take(id, "take " + i, 100 + i);
            s = new Commands.AddTake(id, t, true).apply(Project.empty("x").withShots(List.of(s))).shots().get(0);
        }
        return s;
    }

    /**
     * Three shots: a titled one with two takes, one with none that continues, a remix with a keyframe and one take whose
     * prompt is sent as typed.
     */
    static Project rich() {
        Shot a = shot("A lighthouse at dusk, waves — «ünïcødé» \"quoted\"\nsecond line", 2).withTitle("Opening");
        Shot b = shot("The beam sweeps over the sea", 0).withContinueFromPrevious(true).withMode(Mode.EXTEND)
                .withDuration(2.5);
        Shot c = shot("Gulls take off", 1).withMode(Mode.REMIX)
                .withSources(List.of(new SourceRef("media/in/gulls.mp4", SourceRole.START),
                        new SourceRef("media/in/last.png", SourceRole.KEYFRAME)))
                .withSettings(new ShotSettings("other-pack", -7, false, 30, 6.5f, "unipc", 49, 24, 4, true));
        return new Project(Project.FORMAT_VERSION, "Lighthouse", List.of(a, b, c),
                new ProjectSettings("tinyworld", 832, 480, 16));
    }

    /** A clock tests move by hand. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
