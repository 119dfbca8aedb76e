package dev.kinora.media;

import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_JPEG;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_SPC_BT2020_CL;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_SPC_BT2020_NCL;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_SPC_BT470BG;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_SPC_BT709;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_SPC_FCC;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_SPC_SMPTE170M;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_SPC_SMPTE240M;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_FLAG_RGB;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGBA;
import static org.bytedeco.ffmpeg.global.avutil.av_pix_fmt_desc_get;
import static org.bytedeco.ffmpeg.global.swscale.SWS_ACCURATE_RND;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BICUBIC;
import static org.bytedeco.ffmpeg.global.swscale.SWS_CS_BT2020;
import static org.bytedeco.ffmpeg.global.swscale.SWS_CS_DEFAULT;
import static org.bytedeco.ffmpeg.global.swscale.SWS_CS_FCC;
import static org.bytedeco.ffmpeg.global.swscale.SWS_CS_ITU601;
import static org.bytedeco.ffmpeg.global.swscale.SWS_CS_ITU709;
import static org.bytedeco.ffmpeg.global.swscale.SWS_CS_SMPTE240M;
import static org.bytedeco.ffmpeg.global.swscale.SWS_FULL_CHR_H_INT;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCachedContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCoefficients;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;
import static org.bytedeco.ffmpeg.global.swscale.sws_setColorspaceDetails;

import java.nio.ByteBuffer;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVPixFmtDescriptor;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Converts decoded frames of any pixel format to packed RGB at a given size, with the colour
 * matrix and range each frame declares.
 *
 * <p>Why not JavaCV's own conversion: it never tells swscale the source's matrix, so every video
 * is decoded as BT.601, and BT.709 footage (phones, cameras, anything HD) comes out with reds
 * 10% too dark and greens shifted. Untagged video follows what players do: BT.709 from 720 lines
 * up, BT.601 below.
 */
final class RgbConverter implements AutoCloseable {

    private static final int FLAGS = SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT;

    private final int width;
    private final int height;
    private final BytePointer rgba;
    private final PointerPointer<?> dstData;
    private final IntPointer dstLinesize;
    private SwsContext sws;
    private int configured = Integer.MIN_VALUE; // hash of the source geometry/colour last set up

    RgbConverter(int width, int height) {
        this.width = width;
        this.height = height;
        this.rgba = new BytePointer((long) width * height * 4);
        this.dstData = new PointerPointer<BytePointer>(1).put(0, rgba);
        this.dstLinesize = new IntPointer(1).put(0, width * 4);
    }

    /** Converts, scaling to this converter's size, and composites transparent pixels over black. */
    byte[] convert(AVFrame pic) {
        int fmt = pic.format();
        int w = pic.width();
        int h = pic.height();
        sws = sws_getCachedContext(sws, w, h, fmt, width, height, AV_PIX_FMT_RGBA, FLAGS, null, null,
                (DoublePointer) null);
        if (sws == null) {
            throw new IllegalStateException("swscale cannot convert pixel format " + fmt + " at " + w + "x" + h);
        }
        int key = ((fmt * 31 + w) * 31 + h) * 31 + pic.colorspace() * 7 + pic.color_range();
        if (key != configured) {
            AVPixFmtDescriptor desc = av_pix_fmt_desc_get(fmt);
            boolean yuv = desc != null && (desc.flags() & AV_PIX_FMT_FLAG_RGB) == 0 && desc.nb_components() >= 3;
            if (yuv) {
                int srcRange = pic.color_range() == AVCOL_RANGE_JPEG ? 1 : 0;
                sws_setColorspaceDetails(sws, sws_getCoefficients(matrix(pic.colorspace(), h)), srcRange,
                        sws_getCoefficients(SWS_CS_DEFAULT), 1, 0, 1 << 16, 1 << 16);
            }
            configured = key;
        }
        // AVFrame starts with data[8] then linesize[8]: the frame's address is the planes array.
        try (PointerPointer<?> src = new PointerPointer<>(pic)) {
            sws_scale(sws, src, pic.linesize(), 0, h, dstData, dstLinesize);
        }
        ByteBuffer buf = rgba.position(0).capacity((long) width * height * 4).asByteBuffer();
        byte[] out = new byte[width * height * 3];
        byte[] row = new byte[width * 4];
        for (int y = 0, o = 0; y < height; y++) {
            buf.get(y * width * 4, row, 0, row.length);
            for (int x = 0; x < row.length; x += 4, o += 3) {
                int a = row[x + 3] & 0xFF;
                if (a == 255) {
                    out[o] = row[x];
                    out[o + 1] = row[x + 1];
                    out[o + 2] = row[x + 2];
                } else {
                    out[o] = (byte) (((row[x] & 0xFF) * a + 127) / 255);
                    out[o + 1] = (byte) (((row[x + 1] & 0xFF) * a + 127) / 255);
                    out[o + 2] = (byte) (((row[x + 2] & 0xFF) * a + 127) / 255);
                }
            }
        }
        return out;
    }

    /** The swscale matrix for a frame's declared colour space; by height when undeclared. */
    static int matrix(int colorspace, int height) {
        if (colorspace == AVCOL_SPC_BT709) {
            return SWS_CS_ITU709;
        } else if (colorspace == AVCOL_SPC_BT470BG || colorspace == AVCOL_SPC_SMPTE170M) {
            return SWS_CS_ITU601;
        } else if (colorspace == AVCOL_SPC_BT2020_NCL || colorspace == AVCOL_SPC_BT2020_CL) {
            return SWS_CS_BT2020;
        } else if (colorspace == AVCOL_SPC_SMPTE240M) {
            return SWS_CS_SMPTE240M;
        } else if (colorspace == AVCOL_SPC_FCC) {
            return SWS_CS_FCC;
        }
        return height >= 720 ? SWS_CS_ITU709 : SWS_CS_ITU601;
    }

    @Override
    public void close() {
        if (sws != null) {
            sws_freeContext(sws);
            sws = null;
        }
        dstData.close();
        dstLinesize.close();
        rgba.close();
    }
}
