package dev.kinora.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The layering of STYLE.md, enforced: the engine stays usable without a UI toolkit, stdout belongs to the CLI. */
class ArchitectureTest {
    static JavaClasses main;

    @BeforeAll
    static void importClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.kinora");
    }

    @Test
    void engineMediaAndProjectNeverTouchJavaFx() {
        noClasses().that().resideInAnyPackage("dev.kinora.engine..", "dev.kinora.media..", "dev.kinora.project..")
                .should().dependOnClassesThat().resideInAnyPackage("javafx..")
                .because("the engine runs headless in the CLI and in tests; JavaFX belongs to dev.kinora.app")
                .check(main);
    }

    @Test
    void onlyTheCliWritesToStdout() {
        noClasses().that().resideOutsideOfPackage("dev.kinora.cli..")
                .should().accessField(System.class, "out")
                .because("logs go through SLF4J; stdout is the CLI's machine-readable output")
                .check(main);
    }

    @Test
    void theEngineDoesNotDependOnTheLayersAboveIt() {
        noClasses().that().resideInAnyPackage("dev.kinora.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.kinora.media..", "dev.kinora.project..", "dev.kinora.app..", "dev.kinora.cli..")
                .check(main);
    }

    @Test
    void onlyTheEngineMakesGenerationResults() {
        // Every generated pixel comes out of a diffusion model run by the engine: nothing above it
        // may fabricate a result (no procedural stand-ins in the product; tests use tiny real packs).
        noClasses().that().resideOutsideOfPackage("dev.kinora.engine..")
                .should().callConstructor(dev.kinora.engine.GenerationResult.class,
                        dev.kinora.engine.Frames.class, dev.kinora.engine.Recipe.class, dev.kinora.engine.onnx.DeviceReport.class,
                        dev.kinora.engine.GenerationResult.Timings.class, boolean.class, java.util.List.class)
                .because("generated frames must come from a model run by the engine")
                .check(main);
    }

    @Test
    void schedulersArePureJava() {
        noClasses().that().resideInAnyPackage("dev.kinora.engine.scheduler..")
                .should().dependOnClassesThat().resideInAnyPackage("ai.onnxruntime..", "org.bytedeco..", "dev.kinora.engine.model..")
                .check(main);
    }

    @Test
    void theLayersHaveNoCycles() {
        slices().matching("dev.kinora.(*)..").should().beFreeOfCycles()
                .because("each layer of STYLE.md imports only the layers below it")
                .check(main);
    }

    @Test
    void theStudiosPanelsHaveNoCycles() {
        // The app's own root package (StudioApp, MainWindow, StudioModel, the theme helpers) wires the
        // panels together; the panels (app.queue, app.prompt, app.player, ...) must not go round in circles.
        slices().matching("dev.kinora.app.(*)..").should().beFreeOfCycles().check(main);
    }

    @Test
    void theQueuePanelObservesTheRenderServiceNotTheStudio() {
        noClasses().that().resideInAPackage("dev.kinora.app.queue..")
                .should().dependOnClassesThat().haveFullyQualifiedName("dev.kinora.app.StudioModel")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.kinora.app.UiTaskExecutor")
                .because("the render service owns the queue; the panel only shows it (StudioModel ↔ QueueViewModel was a cycle)")
                .check(main);
    }

    /**
     * What app and cli may use of the engine: its facade (the dev.kinora.engine package: GenerationEngine,
     * requests, results, progress, CancelToken, RequestLimits, recipes), pack management (engine.pack:
     * registry, manifests, verification) and the records and enums of the rest (Device, DeviceReport,
     * RuntimeOptions, SchedulerKind). Not the sessions, models, pipelines, schedulers or tensors.
     */
    static final DescribedPredicate<JavaClass> ENGINE_INSIDES = new DescribedPredicate<>(
            "are engine sessions, models, pipelines, schedulers or tensors (records, enums and exceptions excepted)") {
        @Override
        public boolean test(JavaClass c) {
            String pkg = c.getPackageName();
            boolean inside = pkg.startsWith("dev.kinora.engine.onnx") || pkg.startsWith("dev.kinora.engine.model")
                    || pkg.startsWith("dev.kinora.engine.pipeline") || pkg.startsWith("dev.kinora.engine.scheduler")
                    || pkg.startsWith("dev.kinora.engine.tensor");
            return inside && !c.isEnum() && !c.isRecord() && !c.isAssignableTo(Throwable.class);
        }
    };

    @Test
    void theStudioUsesTheEngineThroughItsFacade() {
        noClasses().that().resideInAPackage("dev.kinora.app..")
                .should().dependOnClassesThat(ENGINE_INSIDES)
                .because("the studio runs jobs through the render service and GenerationEngine, never sessions or models directly")
                .check(main);
    }

    /** The same for the CLI: embed, scheduler and models info go through GenerationEngine, Embeddings and ScheduleTable. */
    @Test
    void theCliUsesTheEngineThroughItsFacade() {
        noClasses().that().resideInAPackage("dev.kinora.cli..")
                .should().dependOnClassesThat(ENGINE_INSIDES)
                .check(main);
    }
}
