package dev.holon.scheduler.placement;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

@AnalyzeClasses(packages = "dev.holon.scheduler.placement", importOptions = ImportOption.DoNotIncludeTests.class)
class PlacementArchitectureTest {

    @ArchTest
    static final ArchRule placementIsPlainJava = noClasses()
            .that().resideInAPackage("dev.holon.scheduler.placement..")
            .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "jakarta.persistence..", "org.apache.kafka..");
}
