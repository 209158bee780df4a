package dev.holon.worker;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

@AnalyzeClasses(packages = "dev.holon.worker", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** The measuring, parsing, id and convergence logic stays plain Java so unit tests can feed it. */
    @ArchTest
    static final ArchRule plainLogicImportsNoSpring = noClasses()
            .that().haveSimpleName("CpuLoad")
            .or().haveSimpleName("NvidiaSmiOutput")
            .or().haveSimpleName("NvidiaSmi")
            .or().haveSimpleName("GpuInventory")
            .or().haveSimpleName("MachineProbe")
            .or().haveSimpleName("NodeIdFile")
            .or().haveSimpleName("NodeLabels")
            .or().haveSimpleName("Convergence")
            .or().haveSimpleName("CallPolicy")
            .or().haveSimpleName("ChunkStore")
            .or().haveSimpleName("ChunkScrubber")
            .or().haveSimpleName("ChunkAccess")
            .or().haveSimpleName("ChunkForwarder")
            .or().haveSimpleName("ChunkRange")
            .or().haveSimpleName("ByteRate")
            .should().dependOnClassesThat().resideInAPackage("org.springframework..");

    /** Features depend downwards only: heartbeat -> registration -> metrics -> identity. */
    @ArchTest
    static final ArchRule identityKnowsNoOtherFeature = noClasses()
            .that().resideInAPackage("..worker.identity..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "..worker.metrics..", "..worker.registration..", "..worker.heartbeat..");

    @ArchTest
    static final ArchRule registrationDoesNotKnowHeartbeats = noClasses()
            .that().resideInAnyPackage("..worker.registration..", "..worker.metrics..")
            .should().dependOnClassesThat().resideInAPackage("..worker.heartbeat..");
}
