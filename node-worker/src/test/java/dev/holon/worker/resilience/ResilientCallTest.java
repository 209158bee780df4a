package dev.holon.worker.resilience;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResilientCallTest {

    private static CallPolicy policy(int maxAttempts, int window) {
        return new CallPolicy(Duration.ofMillis(300), maxAttempts, Duration.ofMillis(1), 2.0, window, 50f,
                Duration.ofSeconds(60));
    }

    @Test
    void retriesConnectErrorsAndServerErrorsUntilAnAnswer() {
        ResilientCall call = new ResilientCall("test", policy(3, 10));
        AtomicInteger tries = new AtomicInteger();

        String answer = call.call(() -> switch (tries.incrementAndGet()) {
            case 1 -> throw new ResourceAccessException("Connection refused");
            case 2 -> throw new HttpServerErrorException(HttpStatus.SERVICE_UNAVAILABLE);
            default -> "ok";
        });

        assertThat(answer).isEqualTo("ok");
        assertThat(tries).hasValue(3);
    }

    @Test
    void aClientErrorIsNotRetried() {
        ResilientCall call = new ResilientCall("test", policy(3, 10));
        AtomicInteger tries = new AtomicInteger();

        assertThatThrownBy(() -> call.call(() -> {
            tries.incrementAndGet();
            throw new HttpClientErrorException(HttpStatus.FORBIDDEN);
        })).isInstanceOf(HttpClientErrorException.class);
        assertThat(tries).hasValue(1);
    }

    @Test
    void aTryThatHangsIsCutOffAndRetried() {
        ResilientCall call = new ResilientCall("test", policy(2, 10));
        AtomicInteger tries = new AtomicInteger();
        CountDownLatch never = new CountDownLatch(1);

        assertThatThrownBy(() -> call.call(() -> {
            tries.incrementAndGet();
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "late";
        })).isInstanceOf(ResourceAccessException.class).hasMessageContaining("no answer within");
        assertThat(tries).hasValue(2);
    }

    @Test
    void opensTheCircuitAfterRepeatedFailuresAndThenFailsWithoutCalling() {
        ResilientCall call = new ResilientCall("test", policy(1, 2));
        AtomicInteger tries = new AtomicInteger();
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> call.call(() -> {
                tries.incrementAndGet();
                throw new ResourceAccessException("Connection refused");
            })).isInstanceOf(ResourceAccessException.class);
        }

        assertThat(call.circuitState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThatThrownBy(() -> call.call(() -> {
            tries.incrementAndGet();
            return "ok";
        })).isInstanceOf(CallNotPermittedException.class);
        assertThat(tries).hasValue(2);
    }
}
