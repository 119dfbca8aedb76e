package dev.kinora.engine.pipeline;

import dev.kinora.engine.CancelToken;
import dev.kinora.engine.GenerationCancelledException;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.GenerationResult;
import dev.kinora.engine.InvalidRequestException;
import dev.kinora.engine.ProgressListener;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.DeviceReport;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.Mode;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pack.PackException;
import java.util.List;
import java.util.Set;

/**
 * Everything the engine does differently for one model family of pack format 2 (docs/pack-format-2.md): which
 * parts it loads, how big a job is, how a job runs and how long a clip it can make. The engine, the memory planner
 * and the studio ask the family's adapter ({@link Families#of}) and never switch on the family themselves, so a
 * new family is this class, its manifest keys ({@code FamilySpec}, read by {@code PackLoader}) and a line in
 * {@link Families}.
 */
public interface FamilyAdapter {
    /** The {@code pack.json} {@code family} values this adapter drives. */
    List<String> families();

    /** The pack's parts, their sessions created lazily on first use. */
    Parts load(ModelPack pack, RuntimeOptions options, Device device) throws PackException;

    /** A job's sizes as this family runs it (windows, frames encoded, guidance batch). */
    MemoryPlanner.Job job(ModelPack pack, Mode mode, int frames, int context, float guidance, List<Integer> sources, boolean prompt);

    /** The components a job uses ({@code comps}, in the order they run) and the buffers it holds besides them. */
    MemoryEstimate.Buffers buffers(MemoryPlanner planner, MemoryPlanner.Job job, List<MemoryEstimate.Component> comps) throws PackException;

    GenerationResult run(LoadedPack lp, DeviceReport device, MemoryLimits.Source limits, GenerationRequest request,
                         ProgressListener listener, CancelToken cancel)
            throws PackException, InvalidRequestException, GenerationCancelledException;

    /** The most frames one job makes; {@link Integer#MAX_VALUE} when the family continues window after window. */
    int maxFrames(ModelPack pack);

    /** Whether a job reads a prompt at all (an image-only family does not). */
    default boolean takesText() {
        return true;
    }

    /** A family's loaded parts. */
    interface Parts extends AutoCloseable {
        /** The pack component keys whose sessions are in memory now. */
        Set<String> loadedComponents();

        /** Tokens of a prompt as the pack's tokenizer counts them; 0 for a family without text. */
        int countTokens(String prompt) throws PackException;

        @Override
        void close();
    }

    /** The parts of the families that take per-token text: its encoder and the denoiser graph. */
    interface TextParts extends Parts {
        dev.kinora.engine.model.TokenTextEncoder text();

        dev.kinora.engine.model.OnnxModel transformer();
    }
}
