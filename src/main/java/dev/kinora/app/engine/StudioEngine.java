package dev.kinora.app.engine;

import dev.kinora.project.render.RenderEngine;
import java.util.List;

/**
 * The engine as the studio holds it: what the render service runs jobs on ({@link RenderEngine},
 * called from the service's worker only) plus what panels ask directly, off the FX thread: the
 * installed packs, a prompt's token count and how the pack reads it, which never wait for a running job.
 */
public interface StudioEngine extends RenderEngine {
    List<PackInfo> packs();

    int countTokens(String pack, String prompt) throws Exception;

    /** The prompt as the pack's lexicon reads it before its text encoder; the prompt itself for a pack without one. */
    default String readPrompt(String pack, String prompt) throws Exception {
        return prompt;
    }
}
