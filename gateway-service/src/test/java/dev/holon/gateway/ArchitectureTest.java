package dev.holon.gateway;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.holon.gateway.ratelimit.RateLimitKey;
import dev.holon.gateway.ratelimit.TokenBucket;
import dev.holon.gateway.resilience.RetryAfter;
import dev.holon.gateway.routing.RouteTable;
import dev.holon.gateway.routing.ServiceRoute;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

@AnalyzeClasses(packages = "dev.holon.gateway", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** The decisions (which service, whose allowance, how long to wait) stay plain Java. */
    @ArchTest
    static final ArchRule decisionsAreFrameworkFree = noClasses()
            .that().belongToAnyOf(RouteTable.class, ServiceRoute.class, TokenBucket.class, RateLimitKey.class,
                    RetryAfter.class)
            .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "reactor..",
                    "io.github.resilience4j..");

    /** The gateway talks to services over HTTP only, never through their code. */
    @ArchTest
    static final ArchRule noServiceCode = noClasses()
            .should().dependOnClassesThat().resideInAnyPackage("dev.holon.registry..", "dev.holon.scheduler..",
                    "dev.holon.storage..", "dev.holon.auth..", "dev.holon.worker..");
}
