package dev.holon.scheduler.scheduling;

import dev.holon.support.tenant.TenantQuotas;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;

/** Tenant quotas from auth-service ({@code holon.auth.*}), read with the scheduler's own service token. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TenantQuotas.Settings.class)
class TenantQuotaConfiguration {

    @Bean
    TenantQuotas tenantQuotas(TenantQuotas.Settings settings, RegistryNodes registry, Clock clock) {
        return new TenantQuotas(settings, registry.serviceToken(), clock);
    }
}
