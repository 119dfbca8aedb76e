package dev.kinora.engine;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Cancels a generation at two depths: the loop checks {@link #isCancelled()} between steps, and the
 * RunOptions of the model call in flight are told to terminate so a long step stops early too.
 */
public final class CancelToken {
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private volatile OrtSession.RunOptions inFlight;

    public void cancel() {
        cancelled.set(true);
        OrtSession.RunOptions ro = inFlight;
        if (ro != null) {
            try {
                ro.setTerminate(true);
            } catch (OrtException | IllegalStateException ignored) {
                // the call already finished and its options were closed
            }
        }
    }

    public boolean isCancelled() {
        return cancelled.get();
    }

    /** Registers the options of the model call about to run; if cancel already happened they terminate at once. */
    public void attach(OrtSession.RunOptions ro) throws OrtException {
        inFlight = ro;
        if (cancelled.get()) {
            ro.setTerminate(true);
        }
    }

    public void detach() {
        inFlight = null;
    }
}
