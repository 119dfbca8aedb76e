package dev.kinora.media;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_PNG;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * Encodes frames to PNG files with FFmpeg's PNG encoder, through the plain codec API.
 *
 * <p>Why not {@code FFmpegFrameRecorder} with the image2 muxer: the recorder rounds every size up
 * to even numbers (it assumes 4:2:0), which would turn a 63×35 frame into a scaled 64×36. PNG is
 * lossless and any size, and a PNG sequence must come back pixel for pixel.
 */
final class PngEncoder implements AutoCloseable {

    private final int width;
    private final int height;
    private AVCodecContext ctx;
    private AVFrame frame;
    private AVPacket packet;
    private long pts;

    PngEncoder(int width, int height) throws IOException {
        this.width = width;
        this.height = height;
        FfmpegLog.install();
        AVCodec codec = avcodec_find_encoder(AV_CODEC_ID_PNG);
        if (codec == null) {
            throw new IOException("this FFmpeg build has no PNG encoder");
        }
        try {
            ctx = avcodec_alloc_context3(codec);
            frame = av_frame_alloc();
            packet = av_packet_alloc();
            if (ctx == null || frame == null || packet == null) {
                throw new IOException("FFmpeg could not allocate a PNG encoder (out of memory)");
            }
            ctx.width(width);
            ctx.height(height);
            ctx.pix_fmt(AV_PIX_FMT_RGB24);
            ctx.time_base(av_make_q(1, 25)); // required by the API; PNG ignores it
            check(avcodec_open2(ctx, codec, (AVDictionary) null), "open the PNG encoder");
            frame.format(AV_PIX_FMT_RGB24);
            frame.width(width);
            frame.height(height);
            check(av_frame_get_buffer(frame, 0), "allocate a frame");
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Encodes one packed RGB frame and writes it, complete, to {@code file}. */
    void write(byte[] rgb, Path file) throws IOException {
        check(av_frame_make_writable(frame), "prepare a frame");
        int stride = frame.linesize(0);
        int row = width * 3;
        ByteBuffer dst = frame.data(0).capacity((long) stride * height).asByteBuffer();
        for (int y = 0; y < height; y++) {
            dst.put(y * stride, rgb, y * row, row);
        }
        frame.pts(pts++);
        check(avcodec_send_frame(ctx, frame), "encode a frame");
        int ret = avcodec_receive_packet(ctx, packet);
        if (ret == AVERROR_EAGAIN() || ret == AVERROR_EOF) {
            throw new IOException("the PNG encoder returned no image for a frame");
        }
        check(ret, "encode a frame");
        try {
            byte[] png = new byte[packet.size()];
            packet.data().get(png);
            Files.write(file, png);
        } finally {
            av_packet_unref(packet);
        }
    }

    @Override
    public void close() {
        if (packet != null) {
            av_packet_free(packet);
            packet = null;
        }
        if (frame != null) {
            av_frame_free(frame);
            frame = null;
        }
        if (ctx != null) {
            avcodec_free_context(ctx);
            ctx = null;
        }
    }

    private static void check(int ret, String what) throws IOException {
        if (ret < 0) {
            byte[] buf = new byte[256];
            av_strerror(ret, buf, buf.length);
            int n = 0;
            while (n < buf.length && buf[n] != 0) {
                n++;
            }
            throw new IOException("FFmpeg could not " + what + ": " + new String(buf, 0, n,
                    java.nio.charset.StandardCharsets.UTF_8));
        }
    }
}
