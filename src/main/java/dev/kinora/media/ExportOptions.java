package dev.kinora.media;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * How a clip is exported.
 *
 * @param scale    integer upscale factor, 1 (none) to {@value #MAX_SCALE}
 * @param filter   the upscale filter; ignored when {@code scale == 1}
 * @param metadata written as container metadata (and {@code recipe.json} for PNG folders). Keys are
 *                 lower case ({@code [a-z0-9][a-z0-9._-]*}) because Matroska upper-cases tag names
 *                 and MP4 atoms are case-sensitive: one spelling is the only way a key survives a
 *                 round trip through every format. Values are any text.
 */
public record ExportOptions(int scale, UpscaleFilter filter, Map<String, String> metadata) {

    public static final int MAX_SCALE = 8;
    private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    public ExportOptions {
        if (scale < 1 || scale > MAX_SCALE) {
            throw new IllegalArgumentException("Export scale must be 1.." + MAX_SCALE + ", got " + scale + ".");
        }
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(metadata, "metadata");
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (e.getKey() == null || !KEY.matcher(e.getKey()).matches()) {
                throw new IllegalArgumentException("Metadata key '" + e.getKey() + "' is not allowed: use lower-case"
                        + " letters, digits, '.', '_' or '-' (at most 64), e.g. 'kinora.recipe'.");
            }
            Objects.requireNonNull(e.getValue(), () -> "metadata value for " + e.getKey());
        }
        // Sorted, so files written from equal options are byte-identical.
        metadata = java.util.Collections.unmodifiableMap(new TreeMap<>(metadata));
    }

    /** No upscale, no metadata. */
    public static ExportOptions defaults() {
        return new ExportOptions(1, UpscaleFilter.NEAREST, Map.of());
    }

    public ExportOptions withMetadata(Map<String, String> newMetadata) {
        return new ExportOptions(scale, filter, newMetadata);
    }

    public ExportOptions withScale(int newScale, UpscaleFilter newFilter) {
        return new ExportOptions(newScale, newFilter, metadata);
    }
}
