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

    /** An exchange's end: its answer, or why there is none (kept apart so the cache never sees a failed load). */
    private record Outcome(TokenExchange.Response answer, RuntimeException failure) {
    }

    private final Function<String, Mono<TokenExchange.Response>> exchange;
    private final AsyncCache<String, Outcome> answers;

    public PatExchanges(Function<String, Mono<TokenExchange.Response>> exchange, TokenExchangeProperties properties,
                        Ticker ticker) {
        this.exchange = exchange;
        Duration max = properties.maxCacheTtl();
        Duration margin = properties.expiryMargin();
        this.answers = Caffeine.newBuilder()
                .maximumSize(properties.cacheSize())
                .ticker(ticker)
                .expireAfter(new Expiry<String, Outcome>() {
                    @Override
                    public long expireAfterCreate(String key, Outcome outcome, long now) {
                        TokenExchange.Response answer = outcome.answer();
                        return answer == null ? 0 // a failure is for the requests that waited on it only
                                : ExchangeCacheTtl.of(answer.active(), answer.expiresIn(), max, margin).toNanos();
                    }

                    @Override
                    public long expireAfterUpdate(String key, Outcome outcome, long now, long left) {
                        return expireAfterCreate(key, outcome, now);
                    }

                    @Override
                    public long expireAfterRead(String key, Outcome outcome, long now, long left) {
                        return left;
                    }
                })
                .buildAsync();
    }

    /** What the token stands for; fails with {@link PatExchangeClient.Unavailable} when auth-service cannot say. */
    public Mono<TokenExchange.Response> exchange(String pat) {
        return Mono.fromFuture(() -> answers.get(fingerprint(pat), (key, executor) -> exchange.apply(pat)
                        .map(answer -> new Outcome(answer, null))
                        .onErrorResume(RuntimeException.class, failure -> Mono.just(new Outcome(null, failure)))
                        .toFuture()), true)
                .flatMap(outcome -> outcome.failure() != null ? Mono.error(outcome.failure()) : Mono.just(outcome.answer()));
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
