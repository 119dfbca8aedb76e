package dev.kinora.app.player;

import dev.kinora.engine.Frames;
import dev.kinora.media.MediaIO;
import dev.kinora.media.ResizePolicy;
import dev.kinora.project.Project;
import dev.kinora.project.Shot;
import dev.kinora.project.Take;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The storyboard as one clip at the project's frame rate: each shot's active take for the shot's
 * length (held on its last frame when shorter); a shot with no take (or a missing file) plays as a
 * dark slate, so timing stays true. Frames are fitted (letterboxed) to the first take's size.
 * Decodes every take through {@code frames}: build it off the FX thread.
 */
public final class Reel {
    private Reel() {
    }

    public static Optional<Frames> build(Project doc, Function<Take, Optional<Frames>> frames) {
        int w = 0;
        int h = 0;
        for (Shot s : doc.shots()) {
            Optional<Frames> f = s.activeTake().flatMap(frames);
            if (f.isPresent()) {
                w = f.get().width();
                h = f.get().height();
                break;
            }
        }
        if (w == 0) {
            return Optional.empty();
        }
        double fps = doc.settings().fps();
        List<byte[]> out = new ArrayList<>();
        byte[] slate = new byte[w * h * 3];
        java.util.Arrays.fill(slate, (byte) 24);
        for (Shot s : doc.shots()) {
            Optional<Frames> f = s.activeTake().flatMap(frames);
            int n = (int) Math.max(1, Math.round(s.durationSeconds() * fps));
            int fw = w;
            int fh = h;
            Frames fr = f.filter(x -> x.count() > 0).map(x -> MediaIO.fit(x, fw, fh, ResizePolicy.FIT)).orElse(null);
            for (int i = 0; i < n; i++) {
                out.add(fr == null ? slate : fr.frame(Math.min(fr.count() - 1, i)));
            }
        }
        return Optional.of(new Frames(w, h, fps, out));
    }
}
