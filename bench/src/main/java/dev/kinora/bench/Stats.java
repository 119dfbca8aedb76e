package dev.kinora.bench;

import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;

/**
 * Summary of repeated measurements: the median is what benchmarks report (robust to one slow run
 * caused by a neighbour on the machine), min–max shows the spread.
 */
public record Stats(int n, double median, double min, double max, double mean) {

    public static Stats of(Collection<? extends Number> values) {
        return of(values.stream().mapToDouble(Number::doubleValue).toArray());
    }

    public static Stats of(double... values) {
        if (values.length == 0) {
            return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double[] s = values.clone();
        Arrays.sort(s);
        double sum = 0;
        for (double v : s) {
            sum += v;
        }
        return new Stats(s.length, median(s), s[0], s[s.length - 1], sum / s.length);
    }

    /** Median of sorted values; the mean of the middle two for an even count. */
    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }

    /** Every value divided by d (e.g. seconds per clip → seconds per step); min and max stay in order for d > 0. */
    public Stats dividedBy(double d) {
        return new Stats(n, median / d, min / d, max / d, mean / d);
    }

    /** Relative spread (max − min) / median: how much to trust a difference between two medians. */
    public double spread() {
        return n == 0 || median == 0 ? Double.NaN : (max - min) / median;
    }

    /** "1.23 (1.20–1.31)" with the given number of decimals. */
    public String format(int decimals) {
        if (n == 0) {
            return "–";
        }
        String f = "%." + decimals + "f";
        return n == 1 ? String.format(Locale.ROOT, f, median)
                : String.format(Locale.ROOT, f + " (" + f + "–" + f + ")", median, min, max);
    }
}
