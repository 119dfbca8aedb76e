/**
 * Reading stills and clips into {@link dev.kinora.media.Clip}s of packed RGB, and writing clips as
 * MP4, WebM, GIF or PNG folders, with JavaCV/FFmpeg.
 *
 * <ul>
 *   <li>{@link dev.kinora.media.MediaReader}: stills (PNG, JPEG, WebP, BMP, TIFF sniffed here; HEIC, AVIF,
 *       Netpbm and QOI through FFmpeg), clips of any
 *       container FFmpeg decodes, PNG folders; rotation (display matrix, rotate tag, JPEG EXIF), non-square
 *       pixels (a clip is shown at its display aspect, as players show it),
 *       the colour matrix each file declares, resampling to a frame rate by timestamp, resizing by
 *       {@link dev.kinora.media.ResizePolicy}. Unsafe input is refused before decoding: empty or
 *       truncated files, headers over 16384 px a side or 64 MP, playlists that reference other
 *       files, streams without video.</li>
 *   <li>{@link dev.kinora.media.MediaWriter}: H.264 (libopenh264) MP4 with {@code +faststart},
 *       VP9 WebM, one-palette GIF, lossless PNG folders; integer upscale; metadata as container
 *       tags, GIF comments or {@code recipe.json}; every write lands atomically or not at all.</li>
 * </ul>
 *
 * <p>Nothing here imports JavaFX, and no FFmpeg object outlives the call that made it: frames are
 * copied to Java arrays before the grabber closes.
 */
package dev.kinora.media;
