package dev.kinora.cli;

import static dev.kinora.cli.CliRun.kinora;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `kinora scheduler`: a diffusers scheduler_config.json in, diffusers' timesteps and sigmas out. */
class SchedulerCommandTest {
    @TempDir
    Path dir;

    static String resource(String name) throws URISyntaxException {
        return Path.of(SchedulerCommandTest.class.getResource("/schedulers/" + name).toURI()).toString();
    }

    @Test
    void wanConfigPrintsDiffusersIntegerTimestepsAndFlowSigmasAsJson() throws Exception {
        CliRun r = kinora("scheduler", "--config", resource("wan2.1-t2v-1.3b.json"), "--steps", "50", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        JsonNode golden = new ObjectMapper().readTree(Files.readString(Path.of(resource("wan2.1-t2v-1.3b.golden.json"))))
                .path("cases").get(0);
        assertEquals(50, json.path("timesteps").size());
        assertEquals(51, json.path("sigmas").size());
        for (int i = 0; i < 50; i++) {
            assertEquals(golden.path("timesteps").get(i).asDouble(), json.path("timesteps").get(i).asDouble(), 0.0, "timestep " + i);
        }
        assertEquals(0.0, json.path("sigmas").get(50).asDouble());
        assertEquals(1, r.out().strip().lines().count(), "one line of JSON");
    }

    @Test
    void ltxNeedsTheSequenceLengthForItsDynamicShift() throws Exception {
        CliRun missing = kinora("scheduler", "--config", resource("ltx-video-0.9.1.json"), "--steps", "20", "--json");
        assertEquals(ExitCodes.BAD_INPUT, missing.code());
        assertTrue(missing.err().contains("sequence length"), missing.err());

        CliRun r = kinora("scheduler", "--config", resource("ltx-video-0.9.1.json"), "--steps", "20", "--seq-len", "1024", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode sigmas = new ObjectMapper().readTree(r.out()).path("sigmas");
        assertEquals(1.0, sigmas.get(0).asDouble(), 1e-7);
        assertEquals(0.1, sigmas.get(19).asDouble(), 1e-7, "shift_terminal stretches the last level to 0.1");
    }

    @Test
    void withoutJsonItPrintsATable() throws Exception {
        CliRun r = kinora("scheduler", "--config", resource("svd-xt-euler.json"), "--steps", "4");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("EulerDiscreteScheduler, 4 steps"), r.out());
        assertTrue(r.out().contains("end"), r.out());
    }

    @Test
    void anUnknownConfigValueExitsThreeWithOneLineNamingIt() throws Exception {
        Path bad = dir.resolve("scheduler_config.json");
        Files.writeString(bad, "{\"_class_name\": \"DDIMScheduler\", \"beta_schedule\": \"cosine\"}");
        CliRun r = kinora("scheduler", "--config", bad.toString(), "--steps", "10");
        assertEquals(ExitCodes.PACK, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("beta_schedule") && r.err().contains("\"cosine\""), r.err());
        assertEquals("", r.out());
    }

    @Test
    void anUnknownClassOrBrokenJsonExitsThree() throws Exception {
        Path lms = dir.resolve("lms.json");
        Files.writeString(lms, "{\"_class_name\": \"LMSDiscreteScheduler\"}");
        CliRun r = kinora("scheduler", "--config", lms.toString(), "--steps", "10");
        assertEquals(ExitCodes.PACK, r.code());
        assertTrue(r.err().contains("LMSDiscreteScheduler"), r.err());

        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"_class_name\": ");
        assertEquals(ExitCodes.PACK, kinora("scheduler", "--config", broken.toString(), "--steps", "10").code());
    }

    @Test
    void badArgumentsExitTwo() throws Exception {
        String wan = resource("wan2.1-t2v-1.3b.json");
        assertEquals(ExitCodes.BAD_INPUT, kinora("scheduler", "--config", wan).code(), "--steps is required");
        assertEquals(ExitCodes.BAD_INPUT, kinora("scheduler", "--config", wan, "--steps", "0").code());
        assertEquals(ExitCodes.BAD_INPUT, kinora("scheduler", "--config", wan, "--steps", "ten").code());
        assertEquals(ExitCodes.BAD_INPUT, kinora("scheduler", "--config", dir.resolve("none.json").toString(), "--steps", "10").code());
        assertEquals(ExitCodes.BAD_INPUT, kinora("scheduler", "--config", resource("sd15-ddim.json"), "--steps", "10",
                "--pipeline-sigmas").code(), "pipeline sigmas belong to flow schedulers");
    }
}
