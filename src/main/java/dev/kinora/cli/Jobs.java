package dev.kinora.cli;

import dev.kinora.engine.Direction;
import dev.kinora.engine.pack.Mode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The generating commands: each says which sources it takes; the rest is JobCommand. */
final class Jobs {
    private Jobs() {
    }

    @Command(name = "generate", mixinStandardHelpOptions = true, description = "Text to video: a prompt becomes a clip.")
    static final class Generate extends JobCommand {

        Mode mode() {
            return Mode.GENERATE;
        }

        List<Path> sourcePaths() {
            return List.of();
        }

    }

    @Command(name = "animate", mixinStandardHelpOptions = true, description = "Animate a still: it becomes the first frame.")
    static final class Animate extends JobCommand {
        @Option(names = {"-i", "--image"}, description = "The still (PNG, JPEG, WebP, BMP, TIFF, HEIC, AVIF).")
        Path image;


        Mode mode() {
            return Mode.ANIMATE;
        }

        List<Path> sourcePaths() {
            return image == null ? List.of() : List.of(image);
        }

    }

    @Command(name = "extend", mixinStandardHelpOptions = true, description = "Continue a clip forward (default) or backward in time.")
    static final class Extend extends JobCommand {
        @Option(names = {"-c", "--clip"}, description = "The clip to extend (any video FFmpeg reads, or a PNG folder).")
        Path clip;


        @Option(names = "--backward", description = "Generate what came before the clip.")
        boolean backward;

        @Option(names = "--context", defaultValue = "0", description = "Frames of the clip the model sees (default: the pack's).")
        int context;

        Mode mode() {
            return Mode.EXTEND;
        }

        List<Path> sourcePaths() {
            return clip == null ? List.of() : List.of(clip);
        }


        @Override
        Direction direction() {
            return backward ? Direction.BACKWARD : Direction.FORWARD;
        }

        @Override
        int context() {
            return context;
        }
    }

    @Command(name = "interpolate", mixinStandardHelpOptions = true, description = "Connect two stills or clips with generated frames.")
    static final class Interpolate extends JobCommand {
        @Option(names = "--from", description = "Where the bridge starts (its last frame).")
        Path from;

        @Option(names = "--to", description = "Where the bridge ends (its first frame).")
        Path to;


        Mode mode() {
            return Mode.INTERPOLATE;
        }

        List<Path> sourcePaths() {
            List<Path> l = new ArrayList<>();
            if (from != null) {
                l.add(from);
            }
            if (to != null) {
                l.add(to);
            }
            return l;
        }

    }

    @Command(name = "loop", mixinStandardHelpOptions = true, description = "A seamless loop: of a clip, or of a clip generated from the prompt.")
    static final class Loop extends JobCommand {
        @Option(names = {"-c", "--clip"}, description = "The clip to loop (default: generate one from the prompt).")
        Path clip;


        Mode mode() {
            return Mode.LOOP;
        }

        List<Path> sourcePaths() {
            return clip == null ? List.of() : List.of(clip);
        }

    }

    @Command(name = "remix", mixinStandardHelpOptions = true, description = "Re-imagine a clip with a new prompt (SDEdit).")
    static final class Remix extends JobCommand {
        @Option(names = {"-c", "--clip"}, description = "The clip to remix.")
        Path clip;


        @Option(names = "--strength", defaultValue = "0.6", description = "How much changes, in (0,1] (default: ${DEFAULT-VALUE}).")
        float strength;

        Mode mode() {
            return Mode.REMIX;
        }

        List<Path> sourcePaths() {
            return clip == null ? List.of() : List.of(clip);
        }


        @Override
        float strength() {
            return strength;
        }
    }
}
