package dev.kinora.bench;

import java.util.List;
import java.util.Locale;

/**
 * Multiply-accumulates of the dense operators in one model run, from the shapes ONNX Runtime saw:
 * <ul>
 *   <li>Conv (any rank, grouped, fused): output elements × (input channels / groups) × kernel elements,
 *       i.e. {@code prod(Y) × prod(W[1:])};</li>
 *   <li>ConvTranspose: input elements × {@code prod(W[1:])};</li>
 *   <li>MatMul (batched, broadcast): output elements × K, K = last axis of A;</li>
 *   <li>Gemm: output elements × K, K = elements of A / rows of Y (works for transA either way).</li>
 * </ul>
 * Everything else (normalisation, activations, softmax, data movement) is counted as zero: the usual
 * convention for FLOP counts, and the reason a "fraction of matmul peak" is an upper-bound-style figure.
 * One MAC is two FLOPs.
 */
public final class MacCounter {
    private MacCounter() {
    }

    public static long macs(OpRecord r) {
        String op = r.opType();
        List<long[]> in = r.inputs();
        List<long[]> out = r.outputs();
        if (out.isEmpty()) {
            return 0;
        }
        long[] y = out.get(0);
        return switch (op) {
            case "Conv", "FusedConv", "NhwcFusedConv" -> in.size() < 2 ? 0 : elements(y) * elements(in.get(1), 1);
            case "ConvTranspose" -> in.size() < 2 ? 0 : elements(in.get(0)) * elements(in.get(1), 1);
            case "MatMul", "FusedMatMul" -> {
                long[] a = in.get(0);
                long k = a.length == 0 ? 1 : a[a.length - 1];
                yield elements(y) * k;
            }
            case "Gemm", "FusedGemm" -> {
                long rows = y.length == 0 ? 1 : y[0];
                yield rows == 0 ? 0 : elements(y) * (elements(in.get(0)) / rows);
            }
            default -> 0;
        };
    }

    public static long totalMacs(List<OpRecord> run) {
        long sum = 0;
        for (OpRecord r : run) {
            sum += macs(r);
        }
        return sum;
    }

    /** Operator types whose work this counter cannot see (their time still counts): for the report. */
    public static boolean counted(String opType) {
        return switch (opType) {
            case "Conv", "FusedConv", "NhwcFusedConv", "ConvTranspose", "MatMul", "FusedMatMul", "Gemm", "FusedGemm" -> true;
            default -> false;
        };
    }

    static long elements(long[] shape) {
        return elements(shape, 0);
    }

    static long elements(long[] shape, int from) {
        long n = 1;
        for (int i = from; i < shape.length; i++) {
            n *= Math.max(shape[i], 0);
        }
        return n;
    }

    public static String gflop(long macs) {
        return String.format(Locale.ROOT, "%.3f GFLOP", 2.0 * macs / 1e9);
    }
}
