package dev.kinora.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

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
}
