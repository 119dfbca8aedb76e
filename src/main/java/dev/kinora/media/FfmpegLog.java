package dev.kinora.media;

import org.bytedeco.ffmpeg.avutil.LogCallback;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends FFmpeg's own log lines to SLF4J instead of the process's stderr.
 *
 * <p>Only warnings and errors are passed up from native code: each message is a JNI up-call, and
 * FFmpeg's info/debug chatter per packet would cost more than decoding small frames.
 */
final class FfmpegLog {

    private static final Logger LOG = LoggerFactory.getLogger("dev.kinora.media.ffmpeg");

    // Held in a static field: FFmpeg keeps only the native pointer, and a collected callback crashes the JVM.
    private static final Callback CALLBACK = new Callback();
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

    private static final class Callback extends LogCallback {
        @Override
        public void call(int level, BytePointer msg) {
            String line = msg == null ? "" : msg.getString().strip();
            if (line.isEmpty()) {
                return;
            }
            if (level <= avutil.AV_LOG_ERROR) {
                LOG.warn("{}", line); // FFmpeg "errors" are often recoverable glitches in one packet
            } else {
                LOG.debug("{}", line);
            }
        }
    }
}
