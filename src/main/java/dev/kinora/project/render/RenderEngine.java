package dev.kinora.project.render;

import dev.kinora.engine.CancelToken;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.GenerationResult;
import dev.kinora.engine.ProgressListener;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.DeviceReport;
import dev.kinora.engine.pack.ModelPack;

/**
 * What the {@link RenderService} needs of an engine. The service calls it from its one worker
 * thread only, so an implementation sees one call at a time: {@link #setDevice} and {@link #close}
 * never overlap a {@link #generate}.
 */
public interface RenderEngine extends AutoCloseable {
    /** The pack's manifest: its frame size and rate, which sources are fitted to. */
    ModelPack pack(String id) throws Exception;

    GenerationResult generate(GenerationRequest request, ProgressListener listener, CancelToken cancel) throws Exception;

    /** Where the next job runs. Sessions may be rebuilt: the service calls this between jobs. */
    void setDevice(Device device);

    /** Where the next job runs and why, when that differs from what was asked; throws when it cannot run at all. */
    DeviceReport device() throws Exception;

    @Override
    void close();
}
