package dev.kinora.media;

import static org.bytedeco.ffmpeg.global.avformat.av_find_input_format;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;

import java.nio.file.Path;
import java.util.Set;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVInputFormat;
import org.bytedeco.ffmpeg.avutil.AVDictionary;

/**
 * Reads a container's header (no decoding) and refuses what must never reach a decoder.
 *
 * <p>Two reasons. JavaCV's {@code start()} runs {@code avformat_find_stream_info}, which decodes
 * frames, so a video declaring 40 000×40 000 would allocate gigabytes before we could look at its
 * size. And playlist formats (HLS, DASH, ffconcat) make FFmpeg open other files named inside them:
 * a "video" could turn any readable file on the disk into frames that then get exported.
 */
final class Preflight {

    /** Demuxers that read other files or the network on the input's say-so. */
    static final Set<String> REFERENCING_FORMATS = Set.of("hls", "applehttp", "dash", "concat", "sdp", "rtsp",
            "rtp", "mpjpeg", "srtp");

    /** Protocols FFmpeg may use while opening an input: local files only, the studio is offline. */
    static final String PROTOCOLS = "file";

    private Preflight() { }

    static void check(Path p, String demuxer) throws MediaException {
        FfmpegLog.install();
        AVFormatContext oc = new AVFormatContext(null);
        AVDictionary opts = new AVDictionary(null);
        av_dict_set(opts, "protocol_whitelist", PROTOCOLS, 0);
        AVInputFormat fmt = demuxer == null ? null : av_find_input_format(demuxer);
        int ret;
        try {
            // Absolute, so a name like "take:2.mp4" is never parsed as a "take:" protocol URL.
            ret = avformat_open_input(oc, p.toAbsolutePath().toString(), fmt, opts);
        } finally {
            av_dict_free(opts);
        }
        if (ret < 0) {
            throw MediaException.badInput(p, "FFmpeg cannot open it as a video or image (error " + ret + ");"
                    + " expected MP4, MOV, MKV, WebM, AVI, GIF or a still image. The file may be truncated or"
                    + " of another type.");
        }
        try {
            String name = oc.iformat() == null || oc.iformat().name() == null ? "" : oc.iformat().name().getString();
            for (String part : name.split(",")) {
                if (REFERENCING_FORMATS.contains(part)) {
                    throw MediaException.badInput(p, "is a " + part + " playlist or stream description, not a video;"
                            + " it would make FFmpeg read other files. Open the video file itself.");
                }
            }
            for (int i = 0; i < oc.nb_streams(); i++) {
                AVCodecParameters par = oc.streams(i).codecpar();
                if (par != null && par.codec_type() == AVMEDIA_TYPE_VIDEO && (par.width() > 0 || par.height() > 0)) {
                    ImageSniffer.checkSize(p, "video stream " + i, par.width(), par.height());
                }
            }
        } finally {
            avformat_close_input(oc);
        }
    }
}
