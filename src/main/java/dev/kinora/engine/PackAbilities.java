package dev.kinora.engine;

import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pipeline.Families;

/**
 * What a pack's adapter can do beyond the modes its manifest lists, for the studio and the CLI.
 *
 * @param maxFrames the most frames one job makes ({@link Integer#MAX_VALUE} when windows continue)
 * @param takesText whether its jobs read a prompt (an image-only family's do not)
 */
public record PackAbilities(int maxFrames, boolean takesText) {
    public static PackAbilities of(ModelPack pack) {
        return new PackAbilities(Families.maxFrames(pack), Families.takesText(pack));
    }
}
