package dev.kinora.app.packs;

import dev.kinora.app.Icons;
import dev.kinora.app.StudioModel;
import dev.kinora.app.engine.PackInfo;
import java.io.File;
import java.util.stream.Collectors;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Insets;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Modality;
import javafx.stage.Stage;
import javafx.stage.Window;

/** The model manager dialog: a table of packs and the install / verify / remove actions. */
public final class ModelManagerView extends BorderPane {
    public ModelManagerView(ModelManagerViewModel vm) {
        getStyleClass().add("panel");
        setId("model-manager");
        TableView<PackInfo> table = new TableView<>(vm.packs());
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.getColumns().add(col("Pack", p -> p.usable() ? p.name() + " (" + p.id() + " " + p.version() + ")" : p.id()));
        table.getColumns().add(col("Family", PackInfo::family));
        table.getColumns().add(col("Size", p -> p.bytes() >= 1 << 20 ? p.bytes() / (1 << 20) + " MiB" : p.bytes() / 1024 + " KiB"));
        table.getColumns().add(col("Modes", p -> p.modes().stream().map(m -> m.id()).sorted().collect(Collectors.joining(", "))));
        table.getColumns().add(col("Resolution", p -> p.width() + "×" + p.height() + ", " + p.frames() + " f @ " + p.fps()));
        table.getColumns().add(col("Longest clip", p -> !p.usable() ? "" : p.maxFrames() == Integer.MAX_VALUE ? "any (windows continue)" : p.maxFrames() + " f"));
        TableColumn<PackInfo, String> mem = new TableColumn<>("Memory, default job (est.)");
        mem.setCellValueFactory(c -> javafx.beans.binding.Bindings.valueAt(vm.memory(), c.getValue().id()).map(s -> s).orElse(""));
        table.getColumns().add(mem);
        table.getColumns().add(col("License", PackInfo::license));
        TableColumn<PackInfo, String> ver = new TableColumn<>("Verification");
        ver.setCellValueFactory(c -> javafx.beans.binding.Bindings.valueAt(vm.verification(), c.getValue().id())
                .map(s -> s).orElse(c.getValue().usable() ? "not checked" : "broken: " + c.getValue().error()));
        table.getColumns().add(ver);
        var sel = table.getSelectionModel().selectedItemProperty();
        Button verify = new Button("Verify");
        verify.setGraphic(Icons.icon("mdi2s-shield-check"));
        verify.setOnAction(e -> {
            if (sel.get() != null) {
                vm.verify(sel.get());
            } else {
                vm.packs().forEach(vm::verify);
            }
        });
        Icons.tip(verify, "Check every file's size and sha256 against the pack manifest (all packs when none is selected)", "");
        Button folder = new Button("Install from folder…");
        folder.setGraphic(Icons.icon("mdi2f-folder-open"));
        folder.setOnAction(e -> {
            File f = new DirectoryChooser().showDialog(getScene().getWindow());
            if (f != null) {
                vm.install(f.toPath());
            }
        });
        Button zip = new Button("Install from zip…");
        zip.setGraphic(Icons.icon("mdi2f-folder-zip"));
        zip.setOnAction(e -> {
            FileChooser fc = new FileChooser();
            fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("Zip", "*.zip"));
            File f = fc.showOpenDialog(getScene().getWindow());
            if (f != null) {
                vm.install(f.toPath());
            }
        });
        Button remove = new Button("Remove");
        remove.setGraphic(Icons.icon("mdi2d-delete"));
        remove.disableProperty().bind(sel.isNull());
        remove.setOnAction(e -> vm.remove(sel.get()));
        Label msg = new Label();
        msg.setWrapText(true);
        msg.textProperty().bind(vm.messageProperty());
        HBox bar = new HBox(8, verify, folder, zip, remove);
        bar.setPadding(new Insets(8));
        setCenter(table);
        setTop(bar);
        setBottom(msg);
        BorderPane.setMargin(msg, new Insets(8));
    }

    private static TableColumn<PackInfo, String> col(String name, java.util.function.Function<PackInfo, String> f) {
        TableColumn<PackInfo, String> c = new TableColumn<>(name);
        c.setCellValueFactory(x -> new ReadOnlyStringWrapper(f.apply(x.getValue())));
        return c;
    }

    public static void show(StudioModel studio, Window owner) {
        ModelManagerViewModel vm = new ModelManagerViewModel(studio, ModelManagerViewModel.defaultTarget());
        Stage st = new Stage();
        st.setTitle("Model Manager");
        st.initOwner(owner);
        st.initModality(Modality.NONE);
        Scene sc = new Scene(new ModelManagerView(vm), 1180, 380);
        if (owner != null && owner.getScene() != null) {
            sc.getStylesheets().addAll(owner.getScene().getStylesheets());
        }
        st.setScene(sc);
        st.show();
        vm.packs().forEach(vm::verify);
        vm.packs().forEach(vm::estimate);
    }
}
