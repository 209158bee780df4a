package dev.holon.auth;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

@AnalyzeClasses(packages = "dev.holon.auth", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** Tokens, lifetimes and names are pure logic, unit-tested without Spring. */
    @ArchTest
    static final ArchRule pureLogicIsPlainJava = noClasses()
            .that().haveFullyQualifiedName("dev.holon.auth.token.OpaqueTokens")
            .or().haveFullyQualifiedName("dev.holon.auth.token.Lifetimes")
            .or().haveFullyQualifiedName("dev.holon.auth.DnsLabel")
            .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "java.sql..", "java.net.http..");

    /** Only the keycloak package talks to Keycloak's admin API. */
    @ArchTest
    static final ArchRule keycloakIsCalledThroughItsAdapter = noClasses()
            .that().resideOutsideOfPackage("dev.holon.auth.keycloak..")
            .should().dependOnClassesThat().resideInAnyPackage("org.springframework.web.client..");

    /** Tenants know nothing of tokens: token revocation follows tenant events. */
    @ArchTest
    static final ArchRule tenantsDoNotDependOnTokens = noClasses()
            .that().resideInAPackage("dev.holon.auth.tenant..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.holon.auth.token..", "dev.holon.auth.enrolment..",
                    "dev.holon.auth.quota..");

    @ArchTest
    static final ArchRule noOtherServicesCode = noClasses()
            .should().dependOnClassesThat().resideInAnyPackage("dev.holon.registry..", "dev.holon.worker..",
                    "dev.holon.gateway..", "dev.holon.scheduler..", "dev.holon.storage..");
}
