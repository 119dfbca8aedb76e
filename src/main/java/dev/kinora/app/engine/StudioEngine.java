package dev.kinora.app.engine;

import dev.kinora.engine.CancelToken;
import dev.kinora.engine.GenerationResult;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.ProgressListener;
import dev.kinora.engine.onnx.Device;
import java.util.List;

/**
 * The part of the engine the studio uses, behind an interface so the window can be driven by tests
 * and by the screenshot demo with a synthetic generator while the real pipeline uses
 * {@link dev.kinora.engine.GenerationEngine}. All methods may block: call them off the FX thread.
 */
public interface StudioEngine extends AutoCloseable {
    List<PackInfo> packs();

    int countTokens(String pack, String prompt) throws Exception;

    GenerationResult generate(GenerationRequest request, ProgressListener listener, CancelToken cancel) throws Exception;

    /** Changes the device for the next job (sessions are rebuilt lazily). */
    void setDevice(Device device);

    /** What the next job runs on, e.g. "cpu (CUDA requested but not available)". */
    String deviceDescription();

    @Override
    void close();
}
