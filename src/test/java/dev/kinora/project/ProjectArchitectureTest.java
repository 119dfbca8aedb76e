package dev.kinora.project;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The document must load in the CLI and in tests without a toolkit or a model runtime. The render
 * service ({@code project.render}) is the part of this layer that runs jobs: it may use the engine's
 * facade and the media layer, still never a toolkit or the engine's insides.
 */
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
        // The document itself: everything in the layer but the render service.
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
        noClasses().that().resideInAPackage("dev.kinora.project..").and().resideOutsideOfPackage("dev.kinora.project.render..")
                .should().dependOnClassesThat(engineBehaviour)
                .orShould().dependOnClassesThat().resideInAnyPackage("dev.kinora.app..", "dev.kinora.media..",
                        "dev.kinora.cli..", "ai.onnxruntime..", "org.bytedeco..")
                .check(PROJECT);
    }

    @Test
    void theRenderServiceUsesTheEngineFacadeAndMediaOnly() {
        DescribedPredicate<JavaClass> engineInsides = new DescribedPredicate<>("are engine sessions, models, pipelines,"
                + " schedulers or tensors (records and enums excepted)") {
            @Override
            public boolean test(JavaClass c) {
                String pkg = c.getPackageName();
                boolean inside = pkg.startsWith("dev.kinora.engine.onnx") || pkg.startsWith("dev.kinora.engine.model")
                        || pkg.startsWith("dev.kinora.engine.pipeline") || pkg.startsWith("dev.kinora.engine.scheduler")
                        || pkg.startsWith("dev.kinora.engine.tensor");
                if (!inside) {
                    return false;
                }
                Class<?> k = c.reflect();
                return !k.isEnum() && !k.isRecord();
            }
        };
        noClasses().that().resideInAPackage("dev.kinora.project.render..")
                .should().dependOnClassesThat(engineInsides)
                .orShould().dependOnClassesThat().resideInAnyPackage("dev.kinora.app..", "dev.kinora.cli..", "javafx..",
                        "ai.onnxruntime..", "org.bytedeco..")
                .because("the render service drives the engine through its facade, off any UI thread, and reads media through dev.kinora.media")
                .check(PROJECT);
    }
}
