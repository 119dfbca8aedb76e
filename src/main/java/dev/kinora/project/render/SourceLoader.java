package dev.kinora.project.render;

import dev.kinora.engine.Frames;
import dev.kinora.engine.Source;
import dev.kinora.engine.pack.HashCache;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.media.FilmStrip;
import dev.kinora.media.MediaException;
import dev.kinora.media.MediaIO;
import dev.kinora.media.ReadOptions;
import dev.kinora.media.ResizePolicy;
import dev.kinora.project.Project;
import dev.kinora.project.ProjectStore;
import dev.kinora.project.SourceRef;
import dev.kinora.project.Take;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Loads a job's sources at the pack's size and rate, through the media layer the CLI uses: a file
 * (still, clip, PNG folder) goes through {@link MediaIO#readSource} with the CLI's default fit,
 * {@link #POLICY}; a take (the studio's own film strip) is decoded exactly and fitted with the
 * same policy when its size differs. So the same still gives the engine the same pixels in the
 * studio as from {@code kinora animate --image}. Each source keeps the project's reference as its
 * path (the recipe names it as the project does) and the sha256 of its file.
 *
 * <p>Decoding, resampling and hashing take time: call this off any UI thread.
 */
public final class SourceLoader {
    /** The CLI's default {@code --fit}: scale to cover the pack's frame, crop the centre. */
    public static final ResizePolicy POLICY = ResizePolicy.FILL;

    private SourceLoader() {
    }

    public static List<Source> load(List<SourceRef> refs, ProjectStore store, Project doc, ModelPack pack)
            throws IOException, MediaException {
        List<Source> out = new ArrayList<>(refs.size());
        for (SourceRef r : refs) {
            out.add(load(r, store, doc, pack));
        }
        return out;
    }

    public static Source load(SourceRef ref, ProjectStore store, Project doc, ModelPack pack) throws IOException, MediaException {
        Path file = store.resolve(ref.path());
        Optional<Take> take = takeByMedia(doc, ref.path());
        if (take.isPresent()) {
            Frames strip = FilmStrip.read(file, take.get().height(), take.get().fps());
            Frames fitted = MediaIO.fit(strip, pack.width(), pack.height(), POLICY);
            return new Source(new Frames(fitted.width(), fitted.height(), pack.fps(), fitted.rgb()), ref.path(),
                    HashCache.compute(file));
        }
        MediaIO.SourceRead read = MediaIO.readSource(file, pack, POLICY, ReadOptions.defaults());
        return new Source(read.source().frames(), ref.path(), read.source().sha256());
    }

    /** The take a project reference names, when it is one. */
    public static Optional<Take> takeByMedia(Project doc, String reference) {
        return doc.shots().stream().flatMap(s -> s.takes().stream()).filter(t -> t.media().equals(reference)).findFirst();
    }
}
