package dev.holon.worker.execution;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

@AnalyzeClasses(packages = "dev.holon.worker.execution", importOptions = ImportOption.DoNotIncludeTests.class)
class ExecutionArchitectureTest {

    /** Task execution is plain Java: a Spring bean adapts it, nothing in it knows Spring, Kafka or the other features. */
    @ArchTest
    static final ArchRule executionIsPlainJava = noClasses()
            .that().resideInAPackage("dev.holon.worker.execution..")
            .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "org.apache.kafka..",
                    "dev.holon.worker.registration..", "dev.holon.worker.heartbeat..", "dev.holon.worker.metrics..");
}
