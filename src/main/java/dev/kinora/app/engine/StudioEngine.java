package dev.kinora.app.engine;

import dev.kinora.project.render.RenderEngine;
import java.util.List;

/**
 * The engine as the studio holds it: what the render service runs jobs on ({@link RenderEngine},
 * called from the service's worker only) plus what panels ask directly, off the FX thread: the
 * installed packs and a prompt's token count, which never waits for a running job.
 */
public interface StudioEngine extends RenderEngine {
    List<PackInfo> packs();

    int countTokens(String pack, String prompt) throws Exception;
}
