package dev.kinora.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every text colour of each theme against every background it is drawn on, by WCAG 2.1's contrast
 * ratio computed from the palette stylesheets themselves: AA's 4.5:1 for text (placeholders included),
 * 3:1 for icons and the focus ring (non-text contrast). And app.css names no colour of its own, so the
 * palettes are the whole story.
 */
class ThemeContrastTest {
    /** What is drawn on what, where, and the ratio it needs. */
    record Pair(String fg, String bg, double min, String where) {
    }

    static final double TEXT = 4.5;
    static final double NON_TEXT = 3.0;

    static final List<Pair> PAIRS = List.of(
            new Pair("-k-placeholder", "-k-input", TEXT, "placeholder in the prompt and negative prompt boxes"),
            new Pair("-k-text", "-k-input", TEXT, "typed prompt"),
            new Pair("-k-text", "-k-bg", TEXT, "text on the window"),
            new Pair("-k-text", "-k-panel", TEXT, "labels on panels"),
            new Pair("-k-text", "-k-panel-2", TEXT, "shot card prompt"),
            new Pair("-k-text", "-k-selected", TEXT, "selected card, selected queue row"),
            new Pair("-k-muted", "-k-bg", TEXT, "muted text on the window"),
            new Pair("-k-muted", "-k-panel", TEXT, "setting names, hints, section titles, status bar"),
            new Pair("-k-muted", "-k-panel-2", TEXT, "card meta line"),
            new Pair("-k-muted", "-k-selected", TEXT, "card meta line on the selected card"),
            new Pair("-k-muted", "-k-input", TEXT, "source slot hint"),
            new Pair("-k-warn", "-k-panel", TEXT, "token count over the limit"),
            new Pair("-k-problem-text", "-k-panel-2", TEXT, "why a card's job failed"),
            new Pair("-k-problem-text", "-k-selected", TEXT, "why the selected card's job failed"),
            new Pair("-k-stale-text", "-k-panel-2", TEXT, "regenerate from new take"),
            new Pair("-k-stale-text", "-k-selected", TEXT, "regenerate from new take, selected card"),
            new Pair("-k-on-primary", "-k-primary", TEXT, "Generate / Export button, left end"),
            new Pair("-k-on-primary", "-k-primary-2", TEXT, "Generate / Export button, right end"),
            new Pair("-k-banner-text", "-k-banner-bg", TEXT, "banner"),
            new Pair("-k-tooltip-text", "-k-tooltip-bg", TEXT, "tooltips"),
            new Pair("-k-on-player", "-k-player-bg", TEXT, "player title over the picture area"),
            new Pair("-k-ruler-text", "-k-ruler-bg", TEXT, "timecode on the ruler"),
            new Pair("-k-on-live", "-k-live-bg", TEXT, "LIVE badge"),
            new Pair("-k-on-state", "-k-state-queued", TEXT, "job state: queued"),
            new Pair("-k-on-state", "-k-state-running", TEXT, "job state: running"),
            new Pair("-k-on-state", "-k-state-done", TEXT, "job state: done"),
            new Pair("-k-on-state", "-k-state-failed", TEXT, "job state: failed"),
            new Pair("-k-on-state", "-k-state-cancelled", TEXT, "job state: cancelled"),
            new Pair("-fx-text-base-color", "-fx-base", TEXT, "Modena's controls (buttons, choice boxes)"),
            new Pair("-fx-text-base-color", "-fx-control-inner-background", TEXT, "Modena's text inside fields and lists"),
            new Pair("-k-icon", "-k-panel", NON_TEXT, "icons on panels"),
            new Pair("-k-accent", "-k-toggle-selected", NON_TEXT, "a selected toggle's icon"),
            new Pair("-k-accent", "-k-panel", NON_TEXT, "focus ring, selected card border"),
            new Pair("-k-ruler-tick-major", "-k-ruler-bg", NON_TEXT, "second ticks on the ruler"));

    private static final Pattern VAR = Pattern.compile("(-[kf]x?-[a-z0-9-]+)\\s*:\\s*([^;]+);");
    private static final Pattern HEX = Pattern.compile("#([0-9a-fA-F]{6})([0-9a-fA-F]{2})?");

    @ParameterizedTest
    @EnumSource(Theme.class)
    void everyTextIsAaAgainstItsBackground(Theme theme) throws IOException {
        Map<String, String> palette = palette(theme);
        List<String> failures = new ArrayList<>();
        StringBuilder report = new StringBuilder(theme + " theme, WCAG contrast:\n");
        for (Pair p : PAIRS) {
            double r = ratio(color(palette, p.fg()), color(palette, p.bg()));
            report.append(String.format(Locale.ROOT, "  %5.2f:1  %-22s on %-26s %s%n", r, p.fg(), p.bg(), p.where()));
            if (r < p.min()) {
                failures.add(String.format(Locale.ROOT, "%s on %s is %.2f:1, needs %.1f:1 (%s)", p.fg(), p.bg(), r, p.min(), p.where()));
            }
        }
        System.out.print(report);
        assertTrue(failures.isEmpty(), () -> theme + ": " + String.join("; ", failures));
    }

    @Test
    void thePlaceholderIsReadableInBothThemes() throws IOException {
        for (Theme t : Theme.values()) {
            Map<String, String> p = palette(t);
            double r = ratio(color(p, "-k-placeholder"), color(p, "-k-input"));
            assertTrue(r >= TEXT, t + ": placeholder " + r);
        }
        // app.css gives text inputs the palette's placeholder colour (Modena's default derives it from the background)
        assertTrue(css(Theme.APP_CSS).matches("(?s).*\\.text-input\\s*\\{[^}]*-fx-prompt-text-fill:\\s*-k-placeholder.*"));
    }

    @Test
    void bothThemesNameTheSameColoursAndAppCssUsesOnlyThose() throws IOException {
        Map<String, String> dark = palette(Theme.DARK);
        Map<String, String> light = palette(Theme.LIGHT);
        assertEquals(new TreeSet<>(dark.keySet()), new TreeSet<>(light.keySet()), "a name in one theme only would be unresolved in the other");
        String app = stripComments(css(Theme.APP_CSS));
        Matcher literal = Pattern.compile("#[0-9a-fA-F]{3,8}\\b|\\b(white|black|red|rgba?\\(|hsb\\()").matcher(app);
        List<String> literals = new ArrayList<>();
        while (literal.find()) {
            literals.add(literal.group());
        }
        assertTrue(literals.isEmpty(), "app.css must take its colours from the palette, found " + literals);
        Matcher used = Pattern.compile("-k-[a-z0-9-]+").matcher(app);
        while (used.find()) {
            assertTrue(dark.containsKey(used.group()), "app.css uses " + used.group() + ", which no palette defines");
        }
    }

    @Test
    void theContrastFormulaMatchesWcagsReferenceValues() {
        assertEquals(21.0, ratio(rgb("#000000"), rgb("#ffffff")), 1e-9);
        assertEquals(1.0, ratio(rgb("#777777"), rgb("#777777")), 1e-9);
        assertEquals(4.48, ratio(rgb("#777777"), rgb("#ffffff")), 0.01, "the classic just-fails grey");
    }

    // --- reading the palettes ----------------------------------------------------------------------

    static Map<String, String> palette(Theme t) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = VAR.matcher(stripComments(css(t.file())));
        while (m.find()) {
            out.put(m.group(1), m.group(2).trim());
        }
        return out;
    }

    private static double[] color(Map<String, String> palette, String name) {
        String v = palette.get(name);
        assertNotNull(v, name + " is not in the palette");
        return rgb(v);
    }

    static double[] rgb(String hex) {
        Matcher m = HEX.matcher(hex);
        assertTrue(m.matches(), "palette colours are #rrggbb so contrast can be computed, got " + hex);
        int v = Integer.parseInt(m.group(1), 16);
        assertTrue(m.group(2) == null || m.group(2).equalsIgnoreCase("ff"), "a translucent colour's contrast depends on what is under it: " + hex);
        return new double[] {(v >> 16 & 255) / 255.0, (v >> 8 & 255) / 255.0, (v & 255) / 255.0};
    }

    /** WCAG 2.1 relative luminance. */
    static double luminance(double[] c) {
        double[] l = new double[3];
        for (int i = 0; i < 3; i++) {
            l[i] = c[i] <= 0.04045 ? c[i] / 12.92 : Math.pow((c[i] + 0.055) / 1.055, 2.4);
        }
        return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
    }

    static double ratio(double[] a, double[] b) {
        double la = luminance(a);
        double lb = luminance(b);
        return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
    }

    private static String css(String resource) throws IOException {
        try (InputStream in = Theme.class.getResourceAsStream(resource)) {
            assertNotNull(in, resource);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String stripComments(String css) {
        return css.replaceAll("(?s)/\\*.*?\\*/", "");
    }
}
