package dev.kinora.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kinora.engine.ScheduleTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Prints the timesteps and sigmas Kinora computes for a diffusers scheduler_config.json, the same numbers diffusers'
 * {@code set_timesteps} gives: a way to check a model folder's schedule, or Kinora against diffusers.
 */
@Command(name = "scheduler", mixinStandardHelpOptions = true,
        description = "Timesteps and sigmas of a diffusers scheduler_config.json, as diffusers computes them.")
final class SchedulerCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--config", required = true, description = "A diffusers scheduler_config.json.")
    Path config;

    @Option(names = "--steps", required = true, description = "Number of inference steps.")
    int steps;

    @Option(names = "--seq-len", defaultValue = "0",
            description = "Image sequence length in tokens, for configs with use_dynamic_shifting (LTX-Video, Flux).")
    int seqLen;

    @Option(names = "--pipeline-sigmas",
            description = "Pass sigmas linspace(1, 1/n, n) as the LTX-Video and Flux pipelines do (flow schedulers).")
    boolean pipelineSigmas;

    @Option(names = "--json", description = "One line of JSON: {\"timesteps\": [...], \"sigmas\": [...]}; an infinite sigma"
            + " (CogVideoX's zero terminal SNR) is written as the string \"Infinity\".")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (steps < 1 || steps > 1000) {
            throw new BadInputException("--steps must be between 1 and 1000, got " + steps);
        }
        if (seqLen < 0) {
            throw new BadInputException("--seq-len must be a positive number of tokens, got " + seqLen);
        }
        if (!Files.isRegularFile(config)) {
            throw new BadInputException(config + ": no such scheduler config file");
        }
        ScheduleTable table = ScheduleTable.of(config, steps, seqLen, pipelineSigmas);
        float[] timesteps = table.timesteps();
        float[] sigmas = table.sigmas();
        if (json) {
            Map<String, float[]> out = new LinkedHashMap<>();
            out.put("timesteps", timesteps);
            out.put("sigmas", sigmas);
            System.out.println(JSON.writeValueAsString(out));
        } else {
            System.out.printf(Locale.ROOT, "%s, %d steps (init noise sigma %s)%n", table.schedulerClass(), steps,
                    table.initNoiseSigma());
            System.out.printf(Locale.ROOT, "%5s %14s %14s%n", "step", "timestep", "sigma");
            for (int i = 0; i < sigmas.length; i++) {
                System.out.printf(Locale.ROOT, "%5s %14s %14s%n", i < timesteps.length ? i : "end",
                        i < timesteps.length ? timesteps[i] : "", sigmas[i]);
            }
        }
        return ExitCodes.OK;
    }
}
