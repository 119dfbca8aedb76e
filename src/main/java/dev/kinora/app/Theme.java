package dev.kinora.app;

import java.util.List;
import java.util.Locale;
import javafx.collections.ObservableList;

/**
 * The studio's themes. A theme is a palette stylesheet (the -k-* colours and Modena's -fx-base and
 * friends, theme-dark.css / theme-light.css) loaded before app.css, which draws every panel from those
 * names; Modena stays the user-agent stylesheet under both. Switching swaps the palette in a scene's
 * stylesheets and leaves everything else alone.
 */
public enum Theme {
    DARK("Dark", "theme-dark.css"),
    LIGHT("Light", "theme-light.css");

    /** The stylesheet every theme shares, after the palette. */
    public static final String APP_CSS = "app.css";

    private final String label;
    private final String file;

    Theme(String label, String file) {
        this.label = label;
        this.file = file;
    }

    public String label() {
        return label;
    }

    /** The palette's resource name, beside this class. */
    public String file() {
        return file;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A stored id back to a theme; anything unknown is the dark default. */
    public static Theme parse(String id) {
        for (Theme t : values()) {
            if (t.id().equalsIgnoreCase(id == null ? "" : id.trim())) {
                return t;
            }
        }
        return DARK;
    }

    /** This theme's stylesheets in load order: the palette, then app.css. */
    public List<String> stylesheets() {
        return List.of(url(file), url(APP_CSS));
    }

    /** Puts this theme on a scene's (or a dialog pane's) stylesheets, replacing another theme's palette. */
    public void applyTo(ObservableList<String> sheets) {
        for (Theme t : values()) {
            sheets.remove(url(t.file));
        }
        sheets.remove(url(APP_CSS));
        sheets.addAll(0, stylesheets());
    }

    private static String url(String resource) {
        return Theme.class.getResource(resource).toExternalForm();
    }
}
