package dev.holon.scheduler.task;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

@AnalyzeClasses(packages = "dev.holon.scheduler", importOptions = ImportOption.DoNotIncludeTests.class)
class TaskStateMachineArchitectureTest {

    @ArchTest
    static final ArchRule stateMachineIsPlainJava = noClasses()
            .that().haveNameMatching("dev\\.holon\\.scheduler\\.task\\.TaskStateMachine.*")
            .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "jakarta.persistence..",
                    "org.apache.kafka..", "java.sql..");

    @ArchTest
    static final ArchRule noOtherServicesCode = noClasses()
            .should().dependOnClassesThat().resideInAnyPackage("dev.holon.registry..", "dev.holon.worker..",
                    "dev.holon.gateway..");
}
