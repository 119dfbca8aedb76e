package dev.kinora.app.engine;

import dev.kinora.engine.CancelToken;
import dev.kinora.engine.GenerationEngine;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.GenerationResult;
import dev.kinora.engine.ProgressListener;
import dev.kinora.engine.model.TextEncoder;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pack.PackRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The real engine. Token counting keeps its own encoder reference so typing is never blocked by a running job. */
public final class LocalEngine implements StudioEngine {
    private final PackRegistry registry;
    private Device device = Device.AUTO;
    private GenerationEngine engine;
    private final Map<String, TextEncoder> encoders = new HashMap<>();

    public LocalEngine(PackRegistry registry) {
        this.registry = registry;
    }

    private synchronized GenerationEngine engine() {
        if (engine == null) {
            engine = new GenerationEngine(registry, RuntimeOptions.defaults().withDevice(device));
        }
        return engine;
    }

    @Override
    public List<PackInfo> packs() {
        List<PackInfo> out = new ArrayList<>();
        for (PackRegistry.Entry e : registry.list()) {
            out.add(e.loaded() ? PackInfo.of(e.pack()) : PackInfo.broken(e.dir(), e.error()));
        }
        return out;
    }

    @Override
    public int countTokens(String pack, String prompt) throws Exception {
        TextEncoder enc;
        synchronized (encoders) {
            enc = encoders.get(pack);
        }
        if (enc == null) {
            // The first count loads and verifies the pack; later ones bypass the engine lock.
            enc = engine().text(pack);
            synchronized (encoders) {
                encoders.put(pack, enc);
            }
        }
        return enc.countTokens(prompt);
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener listener, CancelToken cancel) throws Exception {
        return engine().generate(request, listener, cancel);
    }

    @Override
    public synchronized void setDevice(Device d) {
        if (d == device) {
            return;
        }
        device = d;
        if (engine != null) {
            GenerationEngine old = engine;
            engine = null;
            synchronized (encoders) {
                encoders.clear();
            }
            old.close();
        }
    }

    @Override
    public String deviceDescription() {
        return engine().device().describe();
    }

    public ModelPack pack(String id) throws Exception {
        return registry.find(id);
    }

    @Override
    public synchronized void close() {
        if (engine != null) {
            engine.close();
            engine = null;
        }
    }
}
