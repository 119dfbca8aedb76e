package dev.kinora.app;

import java.io.File;
import java.util.Optional;
import java.util.function.Function;
import javafx.application.Platform;
import javafx.event.Event;
import javafx.event.EventHandler;
import javafx.scene.Parent;
import javafx.scene.input.InputEvent;
import javafx.scene.control.Dialog;
import javafx.scene.control.DialogEvent;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Modality;
import javafx.stage.Stage;
import javafx.stage.Window;

/**
 * Shows file choosers and dialogs over the studio window without resizing it.
 *
 * <p>A modal dialog makes JavaFX 21's GTK glass disable its owner, and disabling pins the owner's
 * size hints to the size glass last recorded for it. For a maximized window that is its
 * un-maximized size, so on X11 window managers (openbox, KDE) the window shrinks while the dialog is
 * open and stays shrunk after it (JDK-8332222, fixed in JavaFX 23, which needs Java 21). So over a
 * maximized window a dialog is shown without native modality: file choosers without an owner,
 * JavaFX dialogs non-modal, and input to the studio's own nodes is blocked meanwhile instead, which
 * keeps the artist from editing behind the dialog just as modality would. Over a normal window nothing
 * changes: the native modal dialog leaves its size alone.
 */
public final class Dialogs {
    private static final String DISABLED_BY = "kinora.dialogs.disabled";

    private Dialogs() {
    }

    public static File open(FileChooser fc, Window owner) {
        return chooser(owner, fc::showOpenDialog);
    }

    public static File save(FileChooser fc, Window owner) {
        return chooser(owner, fc::showSaveDialog);
    }

    public static File directory(DirectoryChooser dc, Window owner) {
        return chooser(owner, dc::showDialog);
    }

    /** Shows a dialog (owned by {@code owner}) and waits for it. */
    public static <R> Optional<R> showAndWait(Dialog<R> d, Window owner) {
        prepare(d, owner);
        return d.showAndWait();
    }

    /** Shows a dialog (owned by {@code owner}) without waiting. */
    public static void show(Dialog<?> d, Window owner) {
        prepare(d, owner);
        d.show();
    }

    /** Whether native modality would resize this owner (see the class comment). */
    static boolean pinsSize(Window owner) {
        return owner instanceof Stage s && (s.isMaximized() || s.isFullScreen());
    }

    private static File chooser(Window owner, Function<Window, File> show) {
        if (!pinsSize(owner)) {
            return show.apply(owner);
        }
        Parent root = owner.getScene() == null ? null : owner.getScene().getRoot();
        disable(root, true);
        try {
            return show.apply(null);
        } finally {
            disable(root, false);
        }
    }

    private static void prepare(Dialog<?> d, Window owner) {
        if (owner == null) {
            return;
        }
        if (d.getOwner() == null) {
            d.initOwner(owner);
        }
        // The studio's theme: a dialog is its own scene, so it gets the window's stylesheets.
        if (owner.getScene() != null) {
            var sheets = d.getDialogPane().getStylesheets();
            owner.getScene().getStylesheets().stream().filter(x -> !sheets.contains(x)).forEach(sheets::add);
        }
        if (pinsSize(owner) && !d.isShowing()) {
            d.initModality(Modality.NONE);
            Parent root = owner.getScene() == null ? null : owner.getScene().getRoot();
            disable(root, true);
            d.addEventHandler(DialogEvent.DIALOG_HIDDEN, e -> disable(root, false));
            // A non-modal dialog is placed by the window manager (openbox: the top-left corner); centre it.
            // (once mapped: like the studio window's size, a position asked for before is lost).
            d.addEventHandler(DialogEvent.DIALOG_SHOWN, e -> Platform.runLater(() -> {
                Window w = d.getDialogPane().getScene().getWindow();
                w.setX(owner.getX() + Math.max(0, (owner.getWidth() - w.getWidth()) / 2));
                w.setY(owner.getY() + Math.max(0, (owner.getHeight() - w.getHeight()) / 3));
            }));
        }
    }

    /**
     * Stops input to the studio's nodes while a dialog is open (what modality would do), without
     * greying them out. Counted, so a dialog opened from a dialog does not unblock the window under
     * the first one.
     */
    private static void disable(Parent root, boolean on) {
        if (root == null) {
            return;
        }
        int n = Math.max(0, (Integer) root.getProperties().getOrDefault(DISABLED_BY, 0) + (on ? 1 : -1));
        root.getProperties().put(DISABLED_BY, n);
        if (n > 0 && on && n == 1) {
            root.addEventFilter(InputEvent.ANY, BLOCK);
        } else if (n == 0) {
            root.removeEventFilter(InputEvent.ANY, BLOCK);
        }
    }

    /** Whether input to this window is blocked by an open dialog. */
    public static boolean blocked(Parent root) {
        return root != null && (Integer) root.getProperties().getOrDefault(DISABLED_BY, 0) > 0;
    }

    private static final EventHandler<InputEvent> BLOCK = Event::consume;
}
