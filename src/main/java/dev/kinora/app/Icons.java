package dev.kinora.app;

import javafx.scene.control.ButtonBase;
import javafx.scene.control.Tooltip;
import javafx.util.Duration;
import org.kordamp.ikonli.javafx.FontIcon;

/** Ikonli icons and the tooltip convention ("What it does (Shortcut)") in one place. */
public final class Icons {
    private Icons() {
    }

    public static FontIcon icon(String literal) {
        FontIcon i = new FontIcon(literal);
        i.getStyleClass().add("icon");
        return i;
    }

    public static <B extends ButtonBase> B decorate(B b, String literal, String tip, String shortcut) {
        b.setGraphic(icon(literal));
        tip(b, tip, shortcut);
        return b;
    }

    public static void tip(javafx.scene.control.Control c, String tip, String shortcut) {
        Tooltip t = new Tooltip(shortcut == null || shortcut.isEmpty() ? tip : tip + "  (" + shortcut + ")");
        t.setShowDelay(Duration.millis(400));
        c.setTooltip(t);
    }

    public static javafx.scene.control.Button button(String literal, String tip, String shortcut, Runnable action) {
        javafx.scene.control.Button b = decorate(new javafx.scene.control.Button(), literal, tip, shortcut);
        b.getStyleClass().add("icon-button");
        b.setOnAction(e -> action.run());
        return b;
    }
}
