package dev.kinora.app.player;

import dev.kinora.app.model.Shot;
import dev.kinora.app.model.Storyboard;
import dev.kinora.app.model.Take;
import dev.kinora.engine.Frames;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The storyboard as one clip: each shot's active take, trimmed to the shot's length; a shot with no
 * take (or a missing file) plays as a dark slate of its length so timing stays true. Frames are
 * scaled to the first take's size so mixed packs still play.
 */
public final class Reel {
    private Reel() {
    }

    public static Optional<Frames> build(Storyboard doc, Function<Take, Optional<Frames>> frames) {
        int w = 0;
        int h = 0;
        double fps = 8;
        for (Shot s : doc.shots()) {
            Optional<Frames> f = s.active().flatMap(frames);
            if (f.isPresent()) {
                w = f.get().width();
                h = f.get().height();
                fps = f.get().fps();
                break;
            }
        }
        if (w == 0) {
            return Optional.empty();
        }
        List<byte[]> out = new ArrayList<>();
        byte[] slate = new byte[w * h * 3];
        java.util.Arrays.fill(slate, (byte) 24);
        for (Shot s : doc.shots()) {
            Optional<Frames> f = s.active().flatMap(frames);
            for (int i = 0; i < s.durationFrames(); i++) {
                if (f.isPresent() && f.get().count() > 0) {
                    Frames fr = dev.kinora.app.model.TakeMedia.resize(f.get(), w, h);
                    int k = Math.min(fr.count() - 1, s.trimStart() + i);
                    out.add(fr.frame(k));
                } else {
                    out.add(slate);
                }
            }
        }
        return Optional.of(new Frames(w, h, fps, out));
    }
}
