package dev.kinora.testing;

import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pack.PackLoader;
import dev.kinora.engine.pipeline.LoadedPack;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One pack loaded on the CPU for all tests of a class, closed after the last one (its ONNX sessions hold
 * native memory). Register it as a static field with {@code @RegisterExtension}.
 */
public final class LoadedPackExtension implements BeforeAllCallback, AfterAllCallback {
    private final Path dir;
    private ModelPack pack;
    private LoadedPack loaded;

    public LoadedPackExtension(Path dir) {
        this.dir = dir;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        pack = PackLoader.load(dir);
        loaded = new LoadedPack(pack, RuntimeOptions.defaults().withDevice(Device.CPU), Device.CPU);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (loaded != null) {
            loaded.close();
            loaded = null;
        }
    }

    public ModelPack pack() {
        return pack;
    }

    public LoadedPack lp() {
        return loaded;
    }
}
