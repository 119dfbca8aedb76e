package dev.kinora.engine;

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
import java.nio.file.Path;
import java.util.Map;

/**
 * The timesteps and sigmas a diffusers scheduler_config.json gives for a number of steps, as the
 * engine runs them (the same numbers as diffusers' set_timesteps): what `kinora scheduler` prints.
 *
 * @param schedulerClass diffusers' class name, e.g. UniPCMultistepScheduler
 * @param sigmas         length = timesteps + 1, ending with the final level (0 for most schedulers)
 */
public record ScheduleTable(String schedulerClass, float initNoiseSigma, float[] timesteps, float[] sigmas) {
    /** diffusers writes a DPM-Solver config's lambda_min_clipped default, -inf, as the JSON extension -Infinity. */
    private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    /**
     * @param seqLen         image sequence length in tokens, for configs with dynamic shifting (0 = none given)
     * @param pipelineSigmas pass sigmas linspace(1, 1/n, n) as the LTX-Video and Flux pipelines do
     * @throws PackException the file is not a scheduler config Kinora can run exactly (names the key and value)
     */
    public static ScheduleTable of(Path config, int steps, int seqLen, boolean pipelineSigmas) throws PackException, IOException {
        Map<String, Object> values;
        try {
            values = JSON.readValue(config.toFile(), new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new PackException(config + ": not a JSON object (" + e.getOriginalMessage() + ")", e);
        }
        if (values == null) {
            throw new PackException(config + ": empty; a scheduler_config.json is a JSON object with a _class_name");
        }
        DiffusersConfig parsed;
        try {
            parsed = DiffusersConfig.parse(values, config.toString());
        } catch (SchedulerConfigException e) {
            throw new PackException(e.getMessage(), e);
        }
        Scheduler scheduler = DiffusersSchedulers.create(parsed, new TimestepInputs(seqLen, pipelineSigmas));
        scheduler.setTimesteps(steps);
        return new ScheduleTable(parsed.schedulerClass().diffusersName(), scheduler.initNoiseSigma(), scheduler.timesteps(),
                scheduler.sigmas());
    }
}
