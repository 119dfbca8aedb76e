package dev.kinora.project;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The document must load in the CLI and in tests without a toolkit or a model runtime. */
class ProjectArchitectureTest {
    private static final JavaClasses PROJECT = importProject();

    /**
     * Only this package's own classes: resolving every dependency from the class path (JavaFX, ORT,
     * JavaCV) costs many seconds and says nothing more. The global setting is restored at once.
     */
    private static JavaClasses importProject() {
        ArchConfiguration config = ArchConfiguration.get();
        boolean before = config.resolveMissingDependenciesFromClassPath();
        config.setResolveMissingDependenciesFromClassPath(false);
        try {
            return new ClassFileImporter()
                    .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                    .importPackages("dev.kinora.project");
        } finally {
            config.setResolveMissingDependenciesFromClassPath(before);
        }
    }

    @Test
    void projectNeverTouchesJavaFx() {
        noClasses().that().resideInAPackage("dev.kinora.project..")
                .should().dependOnClassesThat().resideInAPackage("javafx..")
                .check(PROJECT);
    }

    @Test
    void projectUsesOnlyEngineRecordsAndEnums() {
        DescribedPredicate<JavaClass> engineBehaviour = new DescribedPredicate<>("are engine classes other than records and enums") {
            @Override
            public boolean test(JavaClass c) {
                if (!c.getPackageName().startsWith("dev.kinora.engine")) {
                    return false;
                }
                // unresolved stubs know only their name, so ask the JVM
                Class<?> k = c.reflect();
                return !k.isEnum() && !k.isRecord();
            }
        };
        noClasses().that().resideInAPackage("dev.kinora.project..")
                .should().dependOnClassesThat(engineBehaviour)
                .orShould().dependOnClassesThat().resideInAnyPackage("dev.kinora.app..", "dev.kinora.media..",
                        "dev.kinora.cli..", "ai.onnxruntime..", "org.bytedeco..")
                .check(PROJECT);
    }
}
