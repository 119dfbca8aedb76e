package dev.kinora.app;

import dev.kinora.engine.Frames;
import dev.kinora.engine.Preview;
import java.nio.ByteBuffer;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;

/** Packed RGB frames to JavaFX images, without AWT or any codec. */
public final class FxFrames {
    private FxFrames() {
    }

    public static WritableImage image(int w, int h, byte[] rgb) {
        WritableImage img = new WritableImage(w, h);
        img.getPixelWriter().setPixels(0, 0, w, h, PixelFormat.getByteRgbInstance(), ByteBuffer.wrap(rgb), w * 3);
        return img;
    }

    public static WritableImage image(Frames f, int i) {
        return image(f.width(), f.height(), f.frame(i));
    }

    public static WritableImage image(Preview p) {
        return image(p.width(), p.height(), p.rgb());
    }
}
