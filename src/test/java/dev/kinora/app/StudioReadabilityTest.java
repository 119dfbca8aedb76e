package dev.kinora.app;

import static dev.kinora.app.FxTestSupport.onFx;
import static dev.kinora.app.FxTestSupport.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.app.prompt.PromptViewModel;
import dev.kinora.engine.RequestLimits;
import dev.kinora.engine.pack.Mode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Control;
import javafx.scene.control.Label;
import javafx.scene.control.Labeled;
import javafx.scene.control.ListView;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Spinner;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.Tooltip;
import javafx.scene.text.Text;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a user reported from a real window at 1024×700 and 1600×1000, checked on the laid-out studio
 * (Monocle) in both themes: every storyboard card whole, no label cut without a tooltip that says all
 * of it, nothing pushed out of its panel, every setting reachable, the negative prompt labelled.
 * The sizes are the scene of such a window under openbox (its frame takes 2×1 px and a 24 px title).
 * Demo storyboard on the tiny test pack, with a job running so the queue shows a live row.
 */
class StudioReadabilityTest {
    @TempDir
    Path tmp;

    private StudioModel studio;
    private Stage stage;

    @BeforeAll
    static void fx() throws Exception {
        FxTestSupport.startFx();
    }

    @AfterEach
    void close() throws Exception {
        if (stage != null) {
            onFx(stage::close);
        }
        if (studio != null) {
            onFx(studio::close);
        }
        // The window stores its layout half a second after the last divider move: let that land before the folder goes.
        Thread.sleep(800);
        onFx(() -> { });
        assertTrue(FxTestSupport.FX_ERRORS.isEmpty(), () -> "exceptions on the FX thread: " + FxTestSupport.FX_ERRORS);
    }

    private MainWindow open(double w, double h, Theme theme) throws Exception {
        FxTestSupport.FX_ERRORS.clear();
        Path ud = Files.createDirectories(tmp.resolve("ud"));
        StudioPrefs prefs = new StudioPrefs(ud);
        prefs.setTheme(theme); // as the last session left it: the window opens in it
        var engine = FxTestSupport.tinyEngine(ud);
        studio = onFx(() -> new StudioModel(engine, new UiTaskExecutor(), prefs, ud));
        // Made in the background; the window's demo scene needs its takes.
        onFx(() -> DemoProject.create(studio, ud.resolve("demo").resolve("Demo.kinora"))).get(60, java.util.concurrent.TimeUnit.SECONDS);
        System.setProperty("kinora.demoSteps", "1000");
        MainWindow window = onFx(() -> {
            MainWindow mw = new MainWindow(studio);
            Scene scene = new Scene(mw, w, h);
            mw.install(scene);
            stage = new Stage();
            stage.setScene(scene);
            stage.show();
            mw.showDemoScene("live");
            return mw;
        });
        System.clearProperty("kinora.demoSteps");
        waitFor("thumbnails on every card", 20_000, () -> window.lookupAll(".shot-card").stream()
                .allMatch(c -> !((Parent) c).lookupAll(".image-view").isEmpty()));
        waitFor("the job running", 20_000, () -> studio.queue().runningProperty().get() != null);
        Thread.sleep(1800); // the panel layout settles after the window's first resizes (MainWindow.restoreLayout)
        onFx(() -> window.getScene().getRoot().layout());
        return window;
    }

    @ParameterizedTest(name = "{0}×{1}, {2}")
    @CsvSource({"1022, 675, DARK", "1022, 675, LIGHT", "1598, 975, DARK", "1598, 975, LIGHT"})
    void everythingIsWholeAndReadable(double w, double h, Theme theme) throws Exception {
        MainWindow window = open(w, h, theme);
        assertSame(theme, onFx(window::theme));
        assertTrue(onFx(() -> window.getScene().getStylesheets().get(0).endsWith(theme.file())), "the palette loads first");

        List<String> problems = onFx(() -> {
            List<String> out = new ArrayList<>();
            cardsWhole(window, out);
            out.addAll(problems(window, true, ""));
            return out;
        });
        // Each shot selected in turn: the prompt editor's header and hints change with it (a continued shot, a stale one).
        for (var shot : onFx(() -> studio.doc().shots())) {
            onFx(() -> window.timelineViewModel().select(shot.id()));
            onFx(() -> window.getScene().getRoot().layout());
            problems.addAll(onFx(() -> problems(window, false, "with shot " + (studio.doc().indexOf(shot.id()) + 1) + " selected: ")));
        }
        // The lines that show only sometimes: the queue held, and a prompt the lexicon reads, sent as typed.
        PromptViewModel vm = window.promptViewModel();
        onFx(() -> {
            studio.queue().hold(true);
            vm.promptProperty().set("a scarlet orb rolls to the right across the whole of a very long storyboard prompt");
            vm.asTypedProperty().set(true);
            vm.countTokens();
        });
        waitFor("the held line", 20_000, () -> window.lookup("#queue-held").isVisible());
        waitFor("the Sent as typed line", 20_000, () -> vm.readsAsProperty().get().startsWith("Sent as typed"));
        onFx(() -> window.getScene().getRoot().layout());
        problems.addAll(onFx(() -> problems(window, true, "held, sent as typed: ")));
        assertTrue(problems.isEmpty(), () -> theme + " at " + w + "×" + h + ":\n  " + String.join("\n  ", problems));
    }

    /** Every visible node's text whole and, if asked, inside its panel; each problem after {@code prefix}. On the FX thread. */
    private static List<String> problems(MainWindow window, boolean pushedOut, String prefix) {
        List<String> out = new ArrayList<>();
        for (Node n : all(window)) {
            if (visible(n)) {
                notCut(n, out);
                if (pushedOut) {
                    notPushedOut(n, window.getScene(), out);
                }
            }
        }
        return out.stream().map(p -> prefix + p).toList();
    }

    /**
     * The window's minimum width is what lays it out at 1024: it once grew while a clip played (the
     * timecode's text widened with the frame number) and pushed the panels 4 px out of the window.
     */
    @org.junit.jupiter.api.Test
    void theMinimumWidthFitsA1024WindowWhateverThePlayerShows() throws Exception {
        MainWindow window = open(1022, 675, Theme.DARK);
        var vm = window.playerViewModel();
        // The demo scene's job and the selected shot's take reach the player in the background: one that lands
        // after this test's clip replaces it (its timecode then fits 2 digits, not 4) and the minimum moves for
        // that reason, not the frame's. So the queue is stopped and the player left to settle first.
        onFx(() -> List.copyOf(studio.queue().jobs()).forEach(j -> studio.queue().cancel(j)));
        waitFor("the queue stopped", 20_000, () -> studio.queue().runningProperty().get() == null);
        Object shown = null;
        for (int i = 0; i < 20; i++) {
            Object now = onFx(() -> vm.clipProperty().get());
            if (i > 0 && now == shown) {
                break;
            }
            shown = now;
            Thread.sleep(1000);
        }
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < RequestLimits.MAX_FRAMES; i++) {
            frames.add(new byte[2 * 2 * 3]);
        }
        var clip = new dev.kinora.engine.Frames(2, 2, 8, frames);
        onFx(() -> vm.clipProperty().set(clip));
        double first = onFx(() -> window.minWidth(-1));
        assertTrue(first <= 1022, "minimum width " + first + " with a " + RequestLimits.MAX_FRAMES + "-frame clip");
        for (int f : new int[] {0, 9, 99, 999, RequestLimits.MAX_FRAMES - 1}) {
            onFx(() -> vm.seek(f));
            onFx(() -> window.getScene().getRoot().layout());
            assertSame(clip, onFx(() -> vm.clipProperty().get()), "the player still shows this test's clip");
            assertEquals(first, onFx(() -> window.minWidth(-1)), "the minimum does not move while the clip plays (frame " + f + ")");
            assertTrue(onFx(() -> window.lookup("#timecode").getLayoutBounds().getWidth())
                    >= onFx(() -> ((Labeled) window.lookup("#timecode")).prefWidth(-1)) - 0.5);
        }
        assertTrue(onFx(() -> ((Labeled) window.lookup("#timecode")).getText()).endsWith(RequestLimits.MAX_FRAMES + "/" + RequestLimits.MAX_FRAMES));
        double scrub = onFx(() -> window.lookup("#scrub").getLayoutBounds().getWidth());
        assertTrue(scrub > 300, "the scrub bar has the player's width at 1024, not what the buttons leave: " + scrub);
    }

    @org.junit.jupiter.api.Test
    void viewThemeSwitchesThePaletteAtOnceAndTheNextStartKeepsIt() throws Exception {
        MainWindow window = open(1598, 975, Theme.DARK);
        var dark = onFx(() -> ((javafx.scene.layout.Region) window.lookup("#prompt-editor")).getBackground().getFills().get(0).getFill());
        assertEquals(javafx.scene.paint.Color.web(ThemeContrastTest.palette(Theme.DARK).get("-k-panel")), dark);
        onFx(() -> window.setTheme(Theme.LIGHT));
        onFx(() -> window.getScene().getRoot().applyCss());
        var light = onFx(() -> ((javafx.scene.layout.Region) window.lookup("#prompt-editor")).getBackground().getFills().get(0).getFill());
        assertEquals(javafx.scene.paint.Color.web(ThemeContrastTest.palette(Theme.LIGHT).get("-k-panel")), light);
        assertTrue(window.getScene().getStylesheets().get(0).endsWith(Theme.LIGHT.file()));
        assertEquals(2, window.getScene().getStylesheets().size(), "the dark palette went, nothing doubled");
        assertTrue(studio.prefs().flush()); // written in the background; a quit waits for it like this
        assertEquals(Theme.LIGHT, new StudioPrefs(studio.userData()).theme(), "remembered for the next start");
    }

    @ParameterizedTest(name = "{0}×{1}")
    @CsvSource({"1022, 675", "1598, 975"})
    void everySettingCanBeReachedAndTheNegativePromptIsLabelled(double w, double h) throws Exception {
        MainWindow window = open(w, h, Theme.DARK);
        ScrollPane scroll = (ScrollPane) window.lookup("#prompt-scroll");
        for (String id : new String[] {"#negative", "#device", "#seed", "#steps", "#frames", "#prompt"}) {
            Node control = window.lookup(id);
            assertNotNull(control, id);
            onFx(() -> {
                Node target = control instanceof Spinner<?> s ? s.getEditor() : control;
                target.requestFocus();
            });
            waitFor(id + " scrolled into view when it has the focus", 5_000, () -> {
                Bounds viewport = viewport(scroll);
                Bounds b = control.localToScene(control.getLayoutBounds());
                return b.getMinY() >= viewport.getMinY() - 1 && b.getMaxY() <= viewport.getMaxY() + 1;
            });
        }
        Label negativeLabel = (Label) window.lookup("#negative-label");
        assertEquals("Negative prompt", negativeLabel.getText());
        assertSame(window.lookup("#negative"), negativeLabel.getLabelFor());
        assertTrue(((TextArea) window.lookup("#negative")).getPromptText().length() > 0);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"DARK", "LIGHT"})
    void stepsTakeTheEnginesWholeRangeAndSayIt(Theme theme) throws Exception {
        MainWindow window = open(1598, 975, theme);
        @SuppressWarnings("unchecked")
        Spinner<Integer> steps = (Spinner<Integer>) window.lookup("#steps");
        var f = (javafx.scene.control.SpinnerValueFactory.IntegerSpinnerValueFactory) steps.getValueFactory();
        assertEquals(1, f.getMin());
        assertEquals(RequestLimits.MAX_STEPS, f.getMax());
        assertEquals("1–" + RequestLimits.MAX_STEPS, ((Label) window.lookup("#steps-range")).getText());
        PromptViewModel vm = window.promptViewModel();
        onFx(() -> steps.getValueFactory().setValue(750));
        assertEquals(750, onFx(() -> vm.stepsProperty().get()), "past the old cap of 200");
        assertEquals(750, onFx(() -> studio.selected().orElseThrow().settings().steps()));
        onFx(() -> {
            steps.getEditor().setText("5000");
            steps.commitValue();
        });
        assertEquals(RequestLimits.MAX_STEPS, onFx(() -> vm.stepsProperty().get()), "a typed 5000 is held at the limit");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"GENERATE, false, false", "ANIMATE, true, false", "EXTEND, true, false", "INTERPOLATE, true, true",
        "LOOP, true, false", "REMIX, true, false"})
    void onlyTheSourceSlotsTheModeReadsAreShown(Mode mode, boolean a, boolean b) throws Exception {
        MainWindow window = open(1598, 975, Theme.DARK);
        onFx(() -> window.promptViewModel().modeProperty().set(mode));
        assertEquals(a, onFx(() -> window.lookup("#source-A").isVisible()), "slot A");
        assertEquals(b, onFx(() -> window.lookup("#source-B").isVisible()), "slot B");
    }

    // --- the checks --------------------------------------------------------------------------------

    /** Every card lies inside the storyboard's visible track, top to bottom (the scroll bar below it). */
    private static void cardsWhole(MainWindow window, List<String> out) {
        ScrollPane track = (ScrollPane) window.lookup("#timeline-scroll");
        Bounds view = viewport(track);
        List<Node> cards = new ArrayList<>(window.lookupAll(".shot-card"));
        if (cards.isEmpty()) {
            out.add("no shot cards");
        }
        for (Node c : cards) {
            Bounds b = c.localToScene(c.getLayoutBounds());
            if (b.getMinY() < view.getMinY() - 0.5 || b.getMaxY() > view.getMaxY() + 0.5) {
                out.add(c.getId() + " is cut: card y " + span(b.getMinY(), b.getMaxY()) + ", visible track y "
                        + span(view.getMinY(), view.getMaxY()));
            }
        }
    }

    /** A label shortened to fit ("…") must have a tooltip (its own or its control's) that says all of it. */
    private static void notCut(Node n, List<String> out) {
        if (!(n instanceof Labeled l) || l.getText() == null || l.getText().isBlank()) {
            return;
        }
        // The skin's text node (not a graphic: an icon is a Text too) says what is on screen.
        String shown = l.getChildrenUnmodifiable().stream().filter(t -> t instanceof Text && t.getStyleClass().contains("text"))
                .map(t -> ((Text) t).getText()).findFirst().orElse(l.getText());
        if (shown.equals(l.getText()) || !shown.endsWith(l.getEllipsisString())) {
            return; // whole (a label that changes every step may be a frame behind its text: not a cut)
        }
        Tooltip tip = null;
        for (Node p = l; p != null && tip == null; p = p.getParent()) {
            if (p instanceof Control c) {
                tip = c.getTooltip();
            }
        }
        if (tip == null || !tip.getText().contains(l.getText())) {
            out.add(describe(l) + " shows \"" + shown + "\" of \"" + l.getText() + "\""
                    + (tip == null ? " and has no tooltip" : " and its tooltip does not say it: \"" + tip.getText() + "\""));
        }
    }

    /**
     * A control lies inside the panel it belongs to: the split-pane panel or list it is in, or, in a
     * scroll pane, the viewport along each axis it cannot scroll; and always inside the window.
     */
    private static void notPushedOut(Node n, Scene scene, List<String> out) {
        if (!(n instanceof Control) || n.getParent() instanceof Control || insideSkinOfAnotherControl(n)) {
            return;
        }
        Bounds b = n.localToScene(n.getLayoutBounds());
        if (b.getWidth() <= 0 || b.getHeight() <= 0) {
            return;
        }
        List<Node> chain = new ArrayList<>(List.of(n));
        for (Node p = n.getParent(); p != null; chain.add(p), p = p.getParent()) {
            if (p instanceof ScrollPane sp && sp.getContent() != null) {
                Bounds v = viewport(sp);
                boolean h = sp.getHbarPolicy() == ScrollPane.ScrollBarPolicy.NEVER;
                boolean vv = sp.getVbarPolicy() == ScrollPane.ScrollBarPolicy.NEVER;
                check(n, b, v.getMinX(), v.getMinY(), v.getMaxX(), v.getMaxY(), h, vv, "scroll pane " + describe(sp), out);
                return; // inside a scroll pane the rest is reachable by scrolling
            }
            if (p instanceof ListView<?> lv) {
                Bounds v = lv.localToScene(lv.getLayoutBounds());
                check(n, b, v.getMinX(), v.getMinY(), v.getMaxX(), v.getMaxY(), true, false, "list " + describe(lv), out);
                return;
            }
            if (p instanceof SplitPane sp) {
                // the panel is one of the nodes on the way up (the skin wraps each item in its own pane)
                Node panel = chain.stream().filter(sp.getItems()::contains).findFirst().orElseThrow();
                Bounds v = sp.localToScene(sp.getLayoutBounds());
                Bounds item = panel.localToScene(panel.getLayoutBounds());
                // the panel's share of the split: a panel wider than its share is cut off by the split pane
                double x0 = Math.max(item.getMinX(), v.getMinX());
                double y0 = Math.max(item.getMinY(), v.getMinY());
                double x1 = Math.min(item.getMaxX(), v.getMaxX());
                double y1 = Math.min(item.getMaxY(), v.getMaxY());
                Node wrapper = panel.getParent();
                if (wrapper != null && wrapper != sp) {
                    Bounds w = wrapper.localToScene(wrapper.getLayoutBounds());
                    x0 = Math.max(x0, w.getMinX());
                    y0 = Math.max(y0, w.getMinY());
                    x1 = Math.min(x1, w.getMaxX());
                    y1 = Math.min(y1, w.getMaxY());
                }
                check(n, b, x0, y0, x1, y1, true, true, "panel " + describe(panel), out);
                return;
            }
        }
        check(n, b, 0, 0, scene.getWidth(), scene.getHeight(), true, true, "the window", out);
    }

    private static void check(Node n, Bounds b, double x0, double y0, double x1, double y1, boolean horizontal, boolean vertical,
            String where, List<String> out) {
        double tol = 1;
        boolean outX = horizontal && (b.getMinX() < x0 - tol || b.getMaxX() > x1 + tol);
        boolean outY = vertical && (b.getMinY() < y0 - tol || b.getMaxY() > y1 + tol);
        if (outX || outY) {
            out.add(describe(n) + " at x " + span(b.getMinX(), b.getMaxX()) + ", y " + span(b.getMinY(), b.getMaxY())
                    + " sticks out of " + where + " (x " + span(x0, x1) + ", y " + span(y0, y1) + ")");
        }
    }

    /** A control that is part of another control's skin (a spinner's text field, a list's cells) is that control's business. */
    private static boolean insideSkinOfAnotherControl(Node n) {
        for (Node p = n.getParent(); p != null; p = p.getParent()) {
            if (p instanceof Control c && !(p instanceof ScrollPane) && !(p instanceof SplitPane)
                    && !(p instanceof javafx.scene.control.ToolBar) && !(p instanceof javafx.scene.control.ListCell<?>)
                    && !(p instanceof ListView<?>)) {
                return true;
            }
        }
        return false;
    }

    private static Bounds viewport(ScrollPane sp) {
        Node viewportNode = sp.getContent().getParent().getParent(); // content → its group → the viewport
        return viewportNode.localToScene(viewportNode.getLayoutBounds());
    }

    private static boolean visible(Node n) {
        for (Node p = n; p != null; p = p.getParent()) {
            if (!p.isVisible() || p.getOpacity() == 0) {
                return false;
            }
        }
        return true;
    }

    private static List<Node> all(Parent root) {
        List<Node> out = new ArrayList<>();
        List<Node> todo = new ArrayList<>(List.of(root));
        while (!todo.isEmpty()) {
            Node n = todo.remove(todo.size() - 1);
            out.add(n);
            if (n instanceof Parent p) {
                todo.addAll(p.getChildrenUnmodifiable());
            }
        }
        return out;
    }

    private static String describe(Node n) {
        String text = n instanceof Labeled l && l.getText() != null && !l.getText().isBlank() ? " \"" + l.getText() + "\"" : "";
        String id = n.getId() == null ? "" : "#" + n.getId();
        String parent = "";
        for (Node p = n.getParent(); p != null; p = p.getParent()) {
            if (p.getId() != null) {
                parent = " in #" + p.getId();
                break;
            }
        }
        return n.getClass().getSimpleName() + id + text + parent;
    }

    private static String span(double a, double b) {
        return String.format(java.util.Locale.ROOT, "%.0f–%.0f", a, b);
    }
}
