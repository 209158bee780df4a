package dev.holon.gateway.tokens;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.holon.contracts.tenant.TokenExchange;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.function.Function;

/**
 * Exchanges personal access tokens, remembering each answer for {@link ExchangeCacheTtl}: at most
 * {@code max-cache-ttl} (10 s), so a revoked token stops working that soon, and never past its JWT's expiry less
 * {@code expiry-margin}. Concurrent requests with the same token share one exchange; a failed exchange is not
 * remembered. Entries are keyed by the token's SHA-256, so the cache holds no token a heap dump could reveal.
 */
public final class PatExchanges {

    private final Function<String, Mono<TokenExchange.Response>> exchange;
    private final AsyncCache<String, TokenExchange.Response> answers;

    public PatExchanges(Function<String, Mono<TokenExchange.Response>> exchange, TokenExchangeProperties properties,
                        Ticker ticker) {
        this.exchange = exchange;
        Duration max = properties.maxCacheTtl();
        Duration margin = properties.expiryMargin();
        this.answers = Caffeine.newBuilder()
                .maximumSize(properties.cacheSize())
                .ticker(ticker)
                .expireAfter(new Expiry<String, TokenExchange.Response>() {
                    @Override
                    public long expireAfterCreate(String key, TokenExchange.Response answer, long now) {
                        return ExchangeCacheTtl.of(answer.active(), answer.expiresIn(), max, margin).toNanos();
                    }

                    @Override
                    public long expireAfterUpdate(String key, TokenExchange.Response answer, long now, long left) {
                        return expireAfterCreate(key, answer, now);
                    }

                    @Override
                    public long expireAfterRead(String key, TokenExchange.Response answer, long now, long left) {
                        return left;
                    }
                })
                .buildAsync();
    }

    /** What the token stands for; fails with {@link PatExchangeClient.Unavailable} when auth-service cannot say. */
    public Mono<TokenExchange.Response> exchange(String pat) {
        return Mono.fromFuture(() -> answers.get(fingerprint(pat), (key, executor) -> exchange.apply(pat).toFuture()),
                true);
    }

    static String fingerprint(String pat) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha256.digest(pat.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
