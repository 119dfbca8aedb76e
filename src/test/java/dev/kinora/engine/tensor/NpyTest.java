package dev.kinora.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Npy's float16 conversion (the token states `kinora embed --tokens` writes), against the values numpy gives. */
class NpyTest {
    @Test
    void halvesRoundToNearestEvenAsNumpyDoes() {
        assertEquals((short) 0x3c00, Npy.toHalf(1f));
        assertEquals((short) 0xc000, Npy.toHalf(-2f));
        assertEquals((short) 0x2e66, Npy.toHalf(0.1f));
        assertEquals((short) 0x3555, Npy.toHalf(1f / 3));
        assertEquals((short) 0x7bff, Npy.toHalf(65504f));
        assertEquals((short) 0x7c00, Npy.toHalf(65520f));          // rounds past the largest half
        assertEquals((short) 0x7bff, Npy.toHalf(65519f));
        assertEquals((short) 0x0001, Npy.toHalf((float) Math.pow(2, -24)));
        assertEquals((short) 0x0000, Npy.toHalf((float) Math.pow(2, -25)));   // a tie rounds to even: zero
        assertEquals((short) 0x0400, Npy.toHalf((float) Math.pow(2, -14)));   // the smallest normal
        assertEquals((short) 0x3c00, Npy.toHalf(1f + (float) Math.pow(2, -11)));  // tie between 1 and 1+2^-10: even
        assertEquals((short) 0x3c02, Npy.toHalf(1f + 3 * (float) Math.pow(2, -11)));  // tie: up to even
        assertEquals((short) 0x7e00, Npy.toHalf(Float.NaN));
    }
}
