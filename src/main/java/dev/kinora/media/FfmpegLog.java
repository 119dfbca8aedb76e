package dev.kinora.media;

import org.bytedeco.ffmpeg.avutil.LogCallback;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends FFmpeg's own log lines to SLF4J instead of the process's stderr, and counts error lines
 * for the reader that is decoding.
 *
 * <p>Only warnings and errors are passed up from native code: each message is a JNI up-call, and
 * FFmpeg's info/debug chatter per packet would cost more than decoding small frames.
 *
 * <p>FFmpeg logs through one process-wide callback that does not say which decoder spoke, so a
 * reader installs an {@link ErrorCount} on its own thread around each grab ({@link #count}); the
 * reader decodes on that same thread (one decoder thread, see {@link MediaReader}), so every error
 * line of its decoder lands in its count and never in another reader's.
 */
final class FfmpegLog {

    private static final Logger LOG = LoggerFactory.getLogger("dev.kinora.media.ffmpeg");

    // Held in a static field: FFmpeg keeps only the native pointer, and a collected callback crashes the JVM.
    private static final Callback CALLBACK = new Callback();
    private static final ThreadLocal<ErrorCount> ACTIVE = new ThreadLocal<>();
    private static volatile boolean installed;

    private FfmpegLog() { }

    static void install() {
        if (installed) {
            return;
        }
        synchronized (FfmpegLog.class) {
            if (!installed) {
                avutil.av_log_set_level(avutil.AV_LOG_WARNING);
                avutil.setLogCallback(CALLBACK);
                installed = true;
            }
        }
    }

    /**
     * Starts counting FFmpeg error lines logged on this thread into a fresh count; close it to
     * stop. Counts do not nest: the innermost one is the one that counts.
     */
    static ErrorCount count() {
        install();
        ErrorCount c = new ErrorCount(ACTIVE.get());
        ACTIVE.set(c);
        return c;
    }

    /** Error-level FFmpeg lines logged on one thread while it was open. */
    static final class ErrorCount implements AutoCloseable {
        private final ErrorCount outer;
        private int errors;
        private String first;

        private ErrorCount(ErrorCount outer) {
            this.outer = outer;
        }

        int errors() {
            return errors;
        }

        /** The first error line, for the log; empty when there was none. */
        String first() {
            return first == null ? "" : first;
        }

        private void add(String line) {
            if (errors++ == 0) {
                first = line;
            }
        }

        @Override
        public void close() {
            if (outer == null) {
                ACTIVE.remove();
            } else {
                ACTIVE.set(outer);
            }
        }
    }

    /** Whether a line counts as a decoding error: FFmpeg's ERROR level or worse (warnings never count). */
    static boolean isError(int level) {
        return level <= avutil.AV_LOG_ERROR;
    }

    private static final class Callback extends LogCallback {
        @Override
        public void call(int level, BytePointer msg) {
            String line = msg == null ? "" : msg.getString().strip();
            if (line.isEmpty()) {
                return;
            }
            if (isError(level)) {
                LOG.warn("{}", line); // FFmpeg "errors" are often recoverable glitches in one packet
                ErrorCount c = ACTIVE.get();
                if (c != null) {
                    c.add(line);
                }
            } else {
                LOG.debug("{}", line);
            }
        }
    }
}
