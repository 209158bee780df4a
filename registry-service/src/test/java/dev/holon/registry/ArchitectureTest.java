package dev.holon.registry;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

@AnalyzeClasses(packages = "dev.holon", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule failureDetectionIsPlainJava = noClasses()
            .that().haveSimpleName("FailureDetector")
            .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "jakarta.persistence..", "org.apache.kafka..");

    @ArchTest
    static final ArchRule registryUsesNoOtherService = noClasses()
            .that().resideInAPackage("dev.holon.registry..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.holon.scheduler..", "dev.holon.storage..",
                    "dev.holon.worker..", "dev.holon.gateway..", "dev.holon.auth..", "dev.holon.localcluster..");
}
