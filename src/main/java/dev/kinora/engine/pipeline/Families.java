package dev.kinora.engine.pipeline;

import dev.kinora.engine.pack.FamilySpec;
import dev.kinora.engine.pack.ModelPack;
import java.util.List;
import java.util.Optional;

/** The adapters of the families pack format 2 names (FamilySpec.FAMILIES); a test keeps the two lists equal. */
public final class Families {
    static final List<FamilyAdapter> ADAPTERS = List.of(new WanFamily(), new LtxFamily(), new SvdFamily(), new AnimateDiffFamily(),
            new WanI2vFamily());

    private Families() {
    }

    /** The adapter that drives a format-2 pack; empty for format 1 (Tiny World's own pipeline). */
    public static Optional<FamilyAdapter> find(ModelPack pack) {
        return pack.family().map(Families::of);
    }

    static FamilyAdapter of(FamilySpec spec) {
        return ADAPTERS.stream().filter(a -> a.families().contains(spec.family())).findFirst()
                .orElseThrow(() -> new IllegalStateException("no adapter for family '" + spec.family() + "' although PackLoader read it"));
    }

    /** The most frames one job of this pack makes (format 1 continues window after window). */
    public static int maxFrames(ModelPack pack) {
        return find(pack).map(a -> a.maxFrames(pack)).orElse(Integer.MAX_VALUE);
    }

    /** Whether the pack's jobs read a prompt. */
    public static boolean takesText(ModelPack pack) {
        return find(pack).map(FamilyAdapter::takesText).orElse(true);
    }
}
