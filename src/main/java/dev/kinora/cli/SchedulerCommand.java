package dev.kinora.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kinora.engine.pack.PackException;
import dev.kinora.engine.scheduler.DiffusersConfig;
import dev.kinora.engine.scheduler.DiffusersSchedulers;
import dev.kinora.engine.scheduler.Scheduler;
import dev.kinora.engine.scheduler.SchedulerConfigException;
import dev.kinora.engine.scheduler.TimestepInputs;
import java.io.IOException;
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
        DiffusersConfig parsed = read(config);
        Scheduler scheduler = DiffusersSchedulers.create(parsed, new TimestepInputs(seqLen, pipelineSigmas));
        scheduler.setTimesteps(steps);
        float[] timesteps = scheduler.timesteps();
        float[] sigmas = scheduler.sigmas();
        if (json) {
            Map<String, float[]> out = new LinkedHashMap<>();
            out.put("timesteps", timesteps);
            out.put("sigmas", sigmas);
            System.out.println(JSON.writeValueAsString(out));
        } else {
            System.out.printf(Locale.ROOT, "%s, %d steps (init noise sigma %s)%n", parsed.schedulerClass().diffusersName(), steps,
                    scheduler.initNoiseSigma());
            System.out.printf(Locale.ROOT, "%5s %14s %14s%n", "step", "timestep", "sigma");
            for (int i = 0; i < sigmas.length; i++) {
                System.out.printf(Locale.ROOT, "%5s %14s %14s%n", i < timesteps.length ? i : "end",
                        i < timesteps.length ? timesteps[i] : "", sigmas[i]);
            }
        }
        return ExitCodes.OK;
    }

    /** The config as diffusers reads it; anything wrong with the file itself is a model error (exit 3). */
    private static DiffusersConfig read(Path file) throws PackException, IOException {
        Map<String, Object> values;
        try {
            values = JSON.readValue(file.toFile(), new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new PackException(file + ": not a JSON object (" + e.getOriginalMessage() + ")", e);
        }
        if (values == null) {
            throw new PackException(file + ": empty; a scheduler_config.json is a JSON object with a _class_name");
        }
        try {
            return DiffusersConfig.parse(values, file.toString());
        } catch (SchedulerConfigException e) {
            throw new PackException(e.getMessage(), e);
        }
    }
}
