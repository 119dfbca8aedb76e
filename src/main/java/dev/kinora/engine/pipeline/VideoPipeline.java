package dev.kinora.engine.pipeline;

import dev.kinora.engine.CancelToken;
import dev.kinora.engine.GenerationCancelledException;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.GenerationResult;
import dev.kinora.engine.InvalidRequestException;
import dev.kinora.engine.ProgressListener;
import dev.kinora.engine.onnx.DeviceReport;
import dev.kinora.engine.pack.PackException;

/** Work in progress: the denoising loops land in the next commit. */
public final class VideoPipeline {
    private final LoadedPack lp;
    private final DeviceReport device;

    public VideoPipeline(LoadedPack lp, DeviceReport device) {
        this.lp = lp;
        this.device = device;
    }

    public GenerationResult run(GenerationRequest request, ProgressListener listener, CancelToken cancel)
            throws PackException, InvalidRequestException, GenerationCancelledException {
        throw new PackException("pipeline not wired yet for pack " + lp.pack().id() + " on " + device.describe());
    }
}
