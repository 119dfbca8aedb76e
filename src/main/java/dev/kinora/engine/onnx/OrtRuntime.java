package dev.kinora.engine.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one OrtEnvironment of the JVM and the way sessions are made. CUDA is probed once: the CPU
 * build of ORT throws a catchable error when asked for the CUDA provider, and so does a GPU build
 * on a machine without a working driver; either way AUTO continues on the CPU and reports why.
 */
public final class OrtRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(OrtRuntime.class);
    private static volatile String cudaFailure;
    private static volatile boolean cudaProbed;

    static {
        OrtNatives.prepare();    // before any ORT class loads its natives: see OrtNatives
    }

    private OrtRuntime() {
    }

    public static OrtEnvironment env() {
        return OrtEnvironment.getEnvironment(logLevel());
    }

    /**
     * ORT's own log goes to stderr beside the CLI's one-line messages; its warnings ("Removing
     * initializer ...") mean nothing to a user. Errors only, unless -Dkinora.ortLog=warning (--debug).
     */
    static OrtLoggingLevel logLevel() {
        return "warning".equalsIgnoreCase(System.getProperty("kinora.ortLog", ""))
                ? OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING : OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR;
    }

    /** Resolves AUTO/CUDA against what this machine and this ORT build can do. */
    public static DeviceReport resolve(Device requested) {
        if (requested == Device.CPU) {
            return new DeviceReport(requested, Device.CPU, "");
        }
        String failure = probeCuda();
        if (failure == null) {
            return new DeviceReport(requested, Device.CUDA, "");
        }
        if (requested == Device.CUDA) {
            throw new DeviceUnavailableException("CUDA was requested but is not usable: " + failure
                    + ". Build with 'mvn -Pcuda package' on a machine with CUDA 12 and cuDNN 9, or use --device cpu.");
        }
        return new DeviceReport(requested, Device.CPU, "CUDA unavailable: " + failure);
    }

    private static synchronized String probeCuda() {
        if (!cudaProbed) {
            try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
                opts.addCUDA(0);
                cudaFailure = null;
            } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
                cudaFailure = firstLine(e.getMessage());
            }
            cudaProbed = true;
            LOG.debug("CUDA probe: {}", cudaFailure == null ? "available" : cudaFailure);
        }
        return cudaFailure;
    }

    public static OrtSession.SessionOptions sessionOptions(RuntimeOptions options, Device device) throws OrtException {
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        try {
            so.setOptimizationLevel(options.optimizeGraph()
                    ? OrtSession.SessionOptions.OptLevel.ALL_OPT : OrtSession.SessionOptions.OptLevel.BASIC_OPT);
            if (options.intraOpThreads() > 0) {
                so.setIntraOpNumThreads(options.intraOpThreads());
            }
            so.setInterOpNumThreads(1);
            so.setSessionLogLevel(logLevel());
            // Every session has its own intra-op pool; spinning pools steal the cores from each other (the
            // denoiser's from the preview decoder's and back) and from the Java work between calls.
            // Measured on 2 cores: default clip 0.83 -> 0.76 s, with live previews 1.24 -> 0.85 s (docs/benchmarks.md).
            so.addConfigEntry("session.intra_op.allow_spinning", "0");
            so.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            if (device == Device.CUDA) {
                so.addCUDA(0);
            }
            return so;
        } catch (OrtException | RuntimeException e) {
            so.close();
            throw e;
        }
    }

    public static OrtSession open(Path model, RuntimeOptions options, Device device) throws OrtException {
        try (OrtSession.SessionOptions so = sessionOptions(options, device)) {
            return env().createSession(model.toString(), so);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
