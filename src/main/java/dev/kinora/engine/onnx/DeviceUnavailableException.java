package dev.kinora.engine.onnx;

/**
 * The device the user asked for cannot run models here (CUDA on the CPU build, no driver): a runtime
 * problem like a broken pack, not bad input, and retrying the same command will not help.
 */
public final class DeviceUnavailableException extends RuntimeException {
    public DeviceUnavailableException(String message) {
        super(message);
    }
}
