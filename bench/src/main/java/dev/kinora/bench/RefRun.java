package dev.kinora.bench;

/** One generation of the PyTorch reference, as it reported it (seconds, kB). */
public record RefRun(double totalS, double denoiseS, double decodeS, int calls, int frames, long rssKb, long peakKb) {
}
