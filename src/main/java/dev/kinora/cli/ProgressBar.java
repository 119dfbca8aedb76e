package dev.kinora.cli;

import dev.kinora.engine.Progress;
import dev.kinora.engine.ProgressListener;
import dev.kinora.engine.Stage;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/** A one-line terminal progress bar with step, window and ETA, on stderr so stdout stays parseable. */
final class ProgressBar implements ProgressListener {
    private static final int WIDTH = 28;
    private final PrintStream err;
    private long lastPrint;

    ProgressBar(PrintStream err) {
        this.err = err;
    }

    @Override
    public void onProgress(Progress p) {
        long now = System.nanoTime();
        if (p.stage() != Stage.DONE && now - lastPrint < 100_000_000L) {
            return;
        }
        lastPrint = now;
        int filled = (int) Math.round(p.fraction() * WIDTH);
        String bar = "#".repeat(filled) + "-".repeat(WIDTH - filled);
        String line = String.format(Locale.ROOT, "\r[%s] %3.0f%%  step %d/%d  window %d/%d  %s  elapsed %s  ETA %s   ",
                bar, p.fraction() * 100, p.step(), p.steps(), p.window(), p.windows(),
                p.stage().name().toLowerCase(Locale.ROOT).replace('_', ' '), fmt(p.elapsed()), fmt(p.eta()));
        err.print(line);
        if (p.stage() == Stage.DONE) {
            err.println();
        }
        err.flush();
    }

    private static String fmt(Duration d) {
        long ms = d.toMillis();
        return ms < 60_000 ? String.format(Locale.ROOT, "%.1fs", ms / 1000.0)
                : String.format(Locale.ROOT, "%dm%02ds", ms / 60_000, (ms / 1000) % 60);
    }
}
