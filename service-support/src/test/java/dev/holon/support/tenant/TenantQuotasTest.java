package dev.holon.support.tenant;

import dev.holon.contracts.tenant.TenantQuota;
import dev.holon.testsupport.AuthQuotaStandIn;
import dev.holon.testsupport.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.http.client.ClientHttpRequestInterceptor;

import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TenantQuotasTest {

    private static final ClientHttpRequestInterceptor TOKEN = (request, body, execution) -> {
        request.getHeaders().setBearerAuth("service-token");
        return execution.execute(request, body);
    };
    private static final TenantQuota FOUR_CORES = new TenantQuota(4000L, null, null, null, null);

    private final AuthQuotaStandIn auth = new AuthQuotaStandIn();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));

    @AfterEach
    void stop() {
        auth.close();
    }

    private TenantQuotas quotas(String url) {
        return new TenantQuotas(new TenantQuotas.Settings(url, Duration.ofSeconds(10), Duration.ofSeconds(5)), TOKEN,
                clock);
    }

    @Test
    void readsTheQuotaWithTheServiceTokenAndCachesItPerTenant() {
        auth.quota("acme", FOUR_CORES);
        TenantQuotas quotas = quotas(auth.url());

        assertThat(quotas.of("acme")).isEqualTo(FOUR_CORES);
        assertThat(quotas.of("other")).isEqualTo(TenantQuota.UNLIMITED);
        auth.quota("acme", new TenantQuota(8000L, null, null, null, null));
        assertThat(quotas.of("acme")).as("cached for 10 s").isEqualTo(FOUR_CORES);
        assertThat(auth.requests()).isEqualTo(2);

        clock.advance(Duration.ofSeconds(11));
        assertThat(quotas.of("acme").cpuMillis()).as("read again after the cache time").isEqualTo(8000L);
    }

    @Test
    void aFailingAuthServiceLeavesTheLastKnownQuotaOrUnlimited() {
        auth.quota("acme", FOUR_CORES);
        TenantQuotas quotas = quotas(auth.url());
        assertThat(quotas.of("acme")).isEqualTo(FOUR_CORES);

        auth.failing(true);
        clock.advance(Duration.ofSeconds(11));
        assertThat(quotas.of("acme")).as("last known").isEqualTo(FOUR_CORES);
        assertThat(quotas.of("new-tenant")).as("none known").isEqualTo(TenantQuota.UNLIMITED);

        auth.failing(false);
        auth.quota("new-tenant", FOUR_CORES);
        clock.advance(Duration.ofSeconds(11));
        assertThat(quotas.of("new-tenant")).as("read once auth-service is back").isEqualTo(FOUR_CORES);
    }

    @Test
    void anUnreachableAuthServiceMeansUnlimitedWithoutAnError() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        assertThat(quotas("http://localhost:" + port).of("acme")).isEqualTo(TenantQuota.UNLIMITED);
    }

    @Test
    void withoutATokenTheAnswerIsNotTrustedAndQuotasStayUnlimited() {
        auth.quota("acme", FOUR_CORES);
        TenantQuotas quotas = new TenantQuotas(new TenantQuotas.Settings(auth.url(), null, null), null, clock);
        assertThat(quotas.of("acme")).isEqualTo(TenantQuota.UNLIMITED);
    }

    @Test
    void aBlankUrlTurnsQuotasOff() {
        auth.quota("acme", FOUR_CORES);
        TenantQuotas quotas = quotas("  ");
        assertThat(quotas.enabled()).isFalse();
        assertThat(quotas.of("acme")).isEqualTo(TenantQuota.UNLIMITED);
        assertThat(TenantQuotas.off().of("acme")).isEqualTo(TenantQuota.UNLIMITED);
        assertThat(auth.requests()).isZero();
    }

    @Test
    void settingsDefaultToTheLocalAuthServiceAndABlankPropertyTurnsQuotasOff() {
        TenantQuotas.Settings defaults = new Binder(new MapConfigurationPropertySource(Map.of("holon.other", "x")))
                .bindOrCreate("holon.auth", TenantQuotas.Settings.class);
        assertThat(defaults.url()).isEqualTo("http://localhost:8890");
        assertThat(defaults.quotaCacheFor()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.enabled()).isTrue();
        TenantQuotas.Settings blank = new Binder(new MapConfigurationPropertySource(Map.of("holon.auth.url", "")))
                .bindOrCreate("holon.auth", TenantQuotas.Settings.class);
        assertThat(blank.enabled()).isFalse();
    }

    @Test
    void tenantNamesAreEncodedInThePath() {
        auth.quota("a b", FOUR_CORES);
        assertThat(quotas(auth.url()).of("a b")).isEqualTo(FOUR_CORES);
    }
}
