package dev.kinora.app.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kinora.app.engine.PackInfo;
import dev.kinora.engine.pack.PackLoader;
import dev.kinora.testing.TestPacks;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The prompt panel offers the samplers that fit the selected model: flow ones for a flow pack, DDPM ones otherwise. */
class SchedulerChoicesTest {
    @TempDir
    Path models;

    @Test
    void aFlowPackIsOfferedFlowSamplersAndADdimPackTheOthers() throws Exception {
        PackInfo flow = PackInfo.of(PackLoader.load(TestPacks.tiny(models, "flowpack")));
        assertEquals(List.of("", "flow-euler", "flow-heun", "flow-dpm++2m", "flow-unipc"), PromptViewModel.schedulersFor(flow));
        PackInfo ddim = PackInfo.of(PackLoader.load(TestPacks.tinyDiffusers(models, "ddimpack", """
                {"_class_name": "DDIMScheduler", "beta_start": 0.00085, "beta_end": 0.012, "beta_schedule": "linear",
                 "clip_sample": false, "set_alpha_to_one": false, "steps_offset": 1}""", "")));
        assertEquals(List.of("", "ddim", "euler", "dpm++2m", "dpm++2m-karras", "lcm", "euler-a"), PromptViewModel.schedulersFor(ddim));
        assertEquals(11, PromptViewModel.schedulersFor(null).size(), "no pack yet: every sampler");
    }
}
