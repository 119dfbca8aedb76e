package dev.kinora.app.engine;

import dev.kinora.engine.CancelToken;
import dev.kinora.engine.GenerationEngine;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.GenerationResult;
import dev.kinora.engine.ProgressListener;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.DeviceReport;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pack.PackRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The real engine: one {@link GenerationEngine} for the device jobs run on, rebuilt when the device
 * changes. The render service calls {@link #generate}, {@link #setDevice} and {@link #close} from
 * its one worker, so a rebuild never happens under a job; token counts come from another thread and
 * hold the read side of a lock the rebuild takes for writing, so an engine is never closed under a
 * count either (counts take milliseconds; the engine's own count does not wait for a job).
 */
public final class LocalEngine implements StudioEngine {
    private final PackRegistry registry;
    private final ReadWriteLock swap = new ReentrantReadWriteLock();
    private Device device = Device.AUTO;
    private GenerationEngine engine;

    public LocalEngine(PackRegistry registry) {
        this.registry = registry;
    }

    /** The current engine, built on first use; call with the read or write lock held. */
    private GenerationEngine engine() {
        synchronized (this) {
            if (engine == null) {
                engine = new GenerationEngine(registry, RuntimeOptions.defaults().withDevice(device));
            }
            return engine;
        }
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
    public String readPrompt(String pack, String prompt) throws Exception {
        swap.readLock().lock();
        try {
            return engine().read(pack, List.of(prompt)).get(0);
        } finally {
            swap.readLock().unlock();
        }
    }

    @Override
    public int countTokens(String pack, String prompt) throws Exception {
        swap.readLock().lock();
        try {
            return engine().countTokens(pack, prompt);
        } finally {
            swap.readLock().unlock();
        }
    }

    @Override
    public ModelPack pack(String id) throws Exception {
        return registry.find(id);
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener listener, CancelToken cancel) throws Exception {
        swap.readLock().lock();
        try {
            return engine().generate(request, listener, cancel);
        } finally {
            swap.readLock().unlock();
        }
    }

    @Override
    public void setDevice(Device d) {
        swap.writeLock().lock();
        try {
            GenerationEngine old;
            synchronized (this) {
                if (d == device) {
                    return;
                }
                device = d;
                old = engine;
                engine = null;
            }
            if (old != null) {
                old.close();
            }
        } finally {
            swap.writeLock().unlock();
        }
    }

    @Override
    public DeviceReport device() {
        swap.readLock().lock();
        try {
            return engine().device();
        } finally {
            swap.readLock().unlock();
        }
    }

    @Override
    public void close() {
        swap.writeLock().lock();
        try {
            GenerationEngine old;
            synchronized (this) {
                old = engine;
                engine = null;
            }
            if (old != null) {
                old.close();
            }
        } finally {
            swap.writeLock().unlock();
        }
    }
}
