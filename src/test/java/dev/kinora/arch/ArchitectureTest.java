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
    void schedulersArePureJava() {
        noClasses().that().resideInAnyPackage("dev.kinora.engine.scheduler..")
                .should().dependOnClassesThat().resideInAnyPackage("ai.onnxruntime..", "org.bytedeco..", "dev.kinora.engine.model..")
                .check(main);
    }
}
