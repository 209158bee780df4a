package dev.holon.support.tenant;

import dev.holon.contracts.tenant.TenantQuota;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A tenant's quota as auth-service serves it ({@code GET /api/v1/tenants/{tenant}/quota}, read with the service's
 * own client-credentials token), cached per tenant for {@code holon.auth.quota-cache-for} (10 s by default), so a
 * raised quota is enforced within that time.
 *
 * <p><b>Availability over strictness.</b> When auth-service cannot be reached or fails (connection error, timeout,
 * 5xx, an open circuit, or a 401/403 that says the service token is not accepted), the last value known for the
 * tenant is used, or {@link TenantQuota#UNLIMITED} when none is known: a dead auth-service must not stop every job
 * and upload of the cluster. The fallback is logged once per outage (and its end once), and tried again after the
 * cache time. A 404 (auth-service does not know the tenant) means unlimited. With {@code holon.auth.url} blank the
 * quotas are off and every tenant is unlimited without a call.
 *
 * <p>Calls are retried once on connection errors and 5xx, behind a circuit breaker, with short timeouts, like the
 * services' calls to the registry. Thread-safe.
 */
public final class TenantQuotas {

    private static final Logger log = LoggerFactory.getLogger(TenantQuotas.class);
    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build(); // auth-service may add fields

    /**
     * Where quotas come from ({@code holon.auth.*}).
     *
     * @param url           auth-service's base address; blank turns quotas off (every tenant unlimited)
     * @param quotaCacheFor how long a tenant's quota is used before it is read again (also the wait before
     *                      auth-service is tried again after a failure)
     * @param timeout       read timeout of one call (connect timeout: 1 s at most)
     */
    @ConfigurationProperties("holon.auth")
    public record Settings(
            @DefaultValue("http://localhost:8890") String url,
            @DefaultValue("PT10S") Duration quotaCacheFor,
            @DefaultValue("PT2S") Duration timeout) {

        public Settings {
            url = url == null ? "" : url.strip();
            quotaCacheFor = quotaCacheFor == null ? Duration.ofSeconds(10) : quotaCacheFor;
            timeout = timeout == null ? Duration.ofSeconds(2) : timeout;
        }

        public boolean enabled() {
            return !url.isEmpty();
        }
    }

    private record Cached(TenantQuota quota, Instant until) {
    }

    private final RestClient http;
    private final Duration cacheFor;
    private final Clock clock;
    private final Retry retry;
    private final CircuitBreaker breaker;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();
    private final AtomicBoolean degraded = new AtomicBoolean();

    /**
     * @param serviceToken adds the service's own bearer token (the interceptor of its registry reader)
     */
    public TenantQuotas(Settings settings, ClientHttpRequestInterceptor serviceToken, Clock clock) {
        this.cacheFor = settings.quotaCacheFor();
        this.clock = Objects.requireNonNull(clock, "clock");
        if (!settings.enabled()) {
            this.http = null;
            this.retry = null;
            this.breaker = null;
            log.info("holon.auth.url is blank: tenant quotas are off (every tenant unlimited)");
            return;
        }
        var timeouts = new SimpleClientHttpRequestFactory();
        timeouts.setConnectTimeout(settings.timeout().compareTo(Duration.ofSeconds(1)) < 0
                ? settings.timeout() : Duration.ofSeconds(1));
        timeouts.setReadTimeout(settings.timeout());
        RestClient.Builder builder = RestClient.builder().baseUrl(settings.url()).requestFactory(timeouts);
        if (serviceToken != null) {
            builder.requestInterceptor(serviceToken);
        }
        this.http = builder.build();
        this.retry = Retry.of("auth-quotas", RetryConfig.custom()
                .maxAttempts(2)
                .intervalFunction(IntervalFunction.ofExponentialBackoff(Duration.ofMillis(100), 2))
                .retryOnException(TenantQuotas::isFailure)
                .build());
        this.breaker = CircuitBreaker.of("auth-quotas", CircuitBreakerConfig.custom()
                .failureRateThreshold(50)
                .slidingWindowSize(10)
                .minimumNumberOfCalls(10)
                .waitDurationInOpenState(Duration.ofSeconds(10))
                .recordException(TenantQuotas::isFailure)
                .build());
    }

    /** Quotas off: every tenant unlimited, no call made. */
    public static TenantQuotas off() {
        return new TenantQuotas(new Settings("", null, null), null, Clock.systemUTC());
    }

    /** Whether quotas come from auth-service at all ({@code holon.auth.url} set). */
    public boolean enabled() {
        return http != null;
    }

    /**
     * The tenant's quota: the cached one while it is fresh, else auth-service's answer, else (auth-service failing)
     * the last known one or unlimited. Never throws for an unreachable auth-service; may wait for its timeouts
     * (about 2 x {@code timeout}) when the cache is stale.
     */
    public TenantQuota of(String tenant) {
        if (http == null) {
            return TenantQuota.UNLIMITED;
        }
        Cached cached = cache.get(tenant);
        if (cached != null && clock.instant().isBefore(cached.until())) {
            return cached.quota();
        }
        synchronized (locks.computeIfAbsent(tenant, t -> new Object())) { // one call per tenant at a time
            cached = cache.get(tenant);
            Instant now = clock.instant();
            if (cached != null && now.isBefore(cached.until())) {
                return cached.quota();
            }
            TenantQuota quota;
            try {
                quota = Retry.decorateSupplier(retry, CircuitBreaker.decorateSupplier(breaker, () -> fetch(tenant))).get();
                if (degraded.compareAndSet(true, false)) {
                    log.info("auth-service answers quotas again");
                }
            } catch (RuntimeException e) {
                quota = cached != null ? cached.quota() : TenantQuota.UNLIMITED;
                if (degraded.compareAndSet(false, true)) {
                    log.warn("Cannot read tenant quotas from auth-service ({}): using the last known quota of each "
                            + "tenant, unlimited for tenants without one, until it answers again", e.toString());
                }
                cache.put(tenant, new Cached(quota, now.plus(cacheFor)));
                return quota;
            }
            cache.put(tenant, new Cached(quota, clock.instant().plus(cacheFor)));
            return quota;
        }
    }

    /** Forgets the cached quota of the tenant, so the next {@link #of} asks auth-service. */
    public void forget(String tenant) {
        cache.remove(tenant);
    }

    private TenantQuota fetch(String tenant) {
        try {
            String body = http.get().uri("/api/v1/tenants/{tenant}/quota", tenant).retrieve().body(String.class);
            TenantQuota quota = body == null || body.isBlank() ? null : JSON.readValue(body, TenantQuota.class);
            return quota == null ? TenantQuota.UNLIMITED : quota;
        } catch (HttpClientErrorException.NotFound unknownTenant) {
            return TenantQuota.UNLIMITED;
        }
    }

    /** auth-service is down, failing, or does not accept our token (a configuration fault, not the tenant's). */
    private static boolean isFailure(Throwable e) {
        return e instanceof ResourceAccessException || e instanceof HttpServerErrorException
                || e instanceof HttpClientErrorException.Unauthorized || e instanceof HttpClientErrorException.Forbidden;
    }
}
