package dev.kinora.cli;

import dev.kinora.engine.GenerationResult;
import dev.kinora.engine.Source;
import dev.kinora.engine.pack.Mode;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.media.MediaException;
import dev.kinora.media.MediaIO;
import dev.kinora.media.OutputFormat;
import dev.kinora.media.OutputTarget;
import dev.kinora.media.ReadOptions;
import dev.kinora.media.ResizePolicy;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A generating command's files: the output checked before any work (format, scale, filter, rate,
 * not an input, a writable folder with room), the sources probed before any is decoded, and the
 * writes of the result or of the finished windows after a cancel.
 */
final class Output {
    private final OutputTarget target;
    private final List<Path> inputs;

    private Output(OutputTarget target, List<Path> inputs) {
        this.target = target;
        this.inputs = List.copyOf(inputs);
    }

    /** Checks what can be checked without the model: called first, so a typo costs a second, not a render. */
    static Output check(GenerationOptions opt, Mode mode, long seed, List<Path> inputs) throws MediaException {
        Path out = opt.out;
        if (out == null) {
            OutputFormat f = opt.format == null ? OutputFormat.MP4
                    : OutputFormat.byName(opt.format).orElse(OutputFormat.MP4);  // a bad name is refused by check below
            out = Path.of("kinora-" + mode.id() + "-" + seed + (f == OutputFormat.PNG_SEQUENCE ? "" : "." + f.extension()));
        }
        return new Output(OutputTarget.check(out, opt.format, opt.scale, opt.upscale, opt.fps, inputs, 0), inputs);
    }

    /** With the pack known: is there room for the frames it will make, and are the sources usable at its rate? */
    void checkPack(ModelPack pack, int frames) throws MediaException {
        int n = frames > 0 ? frames : pack.frames();
        long probed = 0;
        for (Path p : inputs) {
            if (!MediaIO.isStill(p)) {
                probed += Math.max(0, MediaIO.checkSource(p, pack).frameCount());
            }
        }
        long bytes = OutputTarget.estimateBytes(target.format(), pack.width(), pack.height(), (int) Math.min(n + probed, 1 << 20),
                target.scale());
        OutputTarget.check(target.path(), target.format().displayName(), target.scale(), target.filter().name(), target.fps(),
                inputs, bytes);
    }

    static Source readSource(Path p, ModelPack pack, GenerationOptions opt, boolean quiet) throws MediaException, BadInputException {
        MediaIO.SourceRead r = MediaIO.readSource(p, pack, fit(opt.fit), opt.allowDamaged ? ReadOptions.allowingDamage() : ReadOptions.defaults());
        if (!quiet) {
            for (String w : r.warnings()) {
                System.err.println("kinora: warning: " + Terminal.safe(w));
            }
        }
        return r.source();
    }

    static ResizePolicy fit(String s) throws BadInputException {
        return switch (s.strip().toLowerCase(Locale.ROOT)) {
            case "fill" -> ResizePolicy.FILL;
            case "fit" -> ResizePolicy.FIT;
            case "stretch" -> ResizePolicy.STRETCH;
            default -> throw new BadInputException("--fit must be fill (crop), fit (letterbox) or stretch, got '" + s + "'");
        };
    }

    Path write(GenerationResult r) throws MediaException {
        return MediaIO.writeResult(r, target.path(), target.format(), target.scale(), target.filter(), target.fps());
    }

    Path writePartial(GenerationResult r) throws MediaException {
        return MediaIO.writeResult(r, partialName(target.path()), target.format(), target.scale(), target.filter(), target.fps());
    }

    static Path partialName(Path out) {
        String name = out.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String partial = dot > 0 ? name.substring(0, dot) + "-partial" + name.substring(dot) : name + "-partial";
        return out.resolveSibling(partial);
    }
}
