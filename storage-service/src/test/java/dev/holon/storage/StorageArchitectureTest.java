package dev.holon.storage;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

@AnalyzeClasses(packages = "dev.holon.storage", importOptions = ImportOption.DoNotIncludeTests.class)
class StorageArchitectureTest {

    @ArchTest
    static final ArchRule placementAndRepairPlanningArePlainJava = noClasses()
            .that().resideInAPackage("dev.holon.storage.placement..")
            .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "jakarta.persistence..",
                    "org.apache.kafka..", "java.sql..", "java.net.http..");

    @ArchTest
    static final ArchRule pathsArePlainJava = noClasses()
            .that().haveFullyQualifiedName("dev.holon.storage.namespace.FilePath")
            .should().dependOnClassesThat().resideInAnyPackage("org.springframework..");

    @ArchTest
    static final ArchRule noOtherServicesCode = noClasses()
            .should().dependOnClassesThat().resideInAnyPackage("dev.holon.registry..", "dev.holon.worker..",
                    "dev.holon.gateway..", "dev.holon.scheduler..");
}
