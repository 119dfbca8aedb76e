package dev.kinora.project;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The document must load in the CLI and in tests without a toolkit or a model runtime. */
class ProjectArchitectureTest {
    private static final JavaClasses PROJECT = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.kinora.project");

    @Test
    void projectNeverTouchesJavaFx() {
        noClasses().that().resideInAPackage("dev.kinora.project..")
                .should().dependOnClassesThat().resideInAPackage("javafx..")
                .check(PROJECT);
    }

    @Test
    void projectUsesOnlyEngineRecordsAndEnums() {
        DescribedPredicate<JavaClass> engineBehaviour = new DescribedPredicate<>("engine classes that are not records or enums") {
            @Override
            public boolean test(JavaClass c) {
                return c.getPackageName().startsWith("dev.kinora.engine") && !c.isEnum() && !c.reflect().isRecord();
            }
        };
        noClasses().that().resideInAPackage("dev.kinora.project..")
                .should().dependOnClassesThat(engineBehaviour)
                .orShould().dependOnClassesThat().resideInAnyPackage("dev.kinora.app..", "dev.kinora.media..",
                        "dev.kinora.cli..", "ai.onnxruntime..", "org.bytedeco..")
                .check(PROJECT);
    }
}
