package dev.kinora.engine.tensor;

import java.util.Arrays;

/**
 * A dense float tensor: a shape and a row-major heap array. Shapes are checked on creation so a
 * mismatch between a pack and the engine fails where it happens, not three calls later in ORT.
 */
public final class FloatTensor {
    private final long[] shape;
    private final float[] data;

    private FloatTensor(float[] data, long[] shape) {
        this.shape = shape.clone();
        this.data = data;
    }

    public static FloatTensor of(float[] data, long... shape) {
        long n = Shapes.elementCount(shape);
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n
                    + " values but the data has " + data.length);
        }
        return new FloatTensor(data, shape);
    }

    public static FloatTensor zeros(long... shape) {
        return new FloatTensor(new float[Math.toIntExact(Shapes.elementCount(shape))], shape);
    }

    public long[] shape() {
        return shape.clone();
    }

    public long dim(int axis) {
        return shape[axis];
    }

    public int rank() {
        return shape.length;
    }

    /** The backing array, shared: callers that keep it must not expect later writes to stay private. */
    public float[] data() {
        return data;
    }

    public int size() {
        return data.length;
    }

    public FloatTensor reshape(long... newShape) {
        return of(data, newShape);
    }

    public FloatTensor copy() {
        return new FloatTensor(data.clone(), shape);
    }

    @Override
    public String toString() {
        return "FloatTensor" + Arrays.toString(shape);
    }
}
