package dev.holon.gateway.routing;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class InstancesTest {

    static final URI A = URI.create("http://localhost:8082");
    static final URI B = URI.create("http://localhost:8083");
    static final URI C = URI.create("http://localhost:8084");

    final AtomicLong now = new AtomicLong();
    final Instances instances = new Instances(List.of(A, B, C), Duration.ofSeconds(5), now::get);

    @Test
    void requestsGoRoundRobinAndEachMayTryEveryInstance() {
        assertThat(instances.order()).containsExactly(A, B, C);
        assertThat(instances.order()).containsExactly(B, C, A);
        assertThat(instances.order()).containsExactly(C, A, B);
        assertThat(instances.order()).containsExactly(A, B, C);
    }

    @Test
    void anInstanceThatRefusedIsTriedLastUntilItsQuarantineEnds() {
        instances.refused(A);

        assertThat(instances.order()).containsExactly(B, C, A);
        assertThat(instances.order()).containsExactly(B, C, A);
        assertThat(instances.order()).containsExactly(C, B, A);

        now.addAndGet(Duration.ofSeconds(5).toNanos());
        assertThat(instances.order()).containsExactly(A, B, C);
    }

    @Test
    void whenAllRefusedTheOneToRecoverSoonestComesFirst() {
        instances.refused(B);
        now.addAndGet(1_000);
        instances.refused(A);
        now.addAndGet(1_000);
        instances.refused(C);

        assertThat(instances.order()).containsExactly(B, A, C);
    }

    @Test
    void anAnswerEndsTheQuarantine() {
        instances.refused(A);
        instances.answered(A);

        assertThat(instances.order()).containsExactly(A, B, C);
    }

    @Test
    void theRequestedPathAndQueryMoveToTheChosenInstance() {
        URI requested = URI.create("http://localhost:8082/api/v1/jobs?state=RUNNING&name=a%20b");

        assertThat(InstanceFailover.onInstance(requested, B))
                .isEqualTo(URI.create("http://localhost:8083/api/v1/jobs?state=RUNNING&name=a%20b"));
        URI filtered = URI.create("http://localhost:8081/api/v1/nodes?label=zone=b&label=rack%3Dr1");
        assertThat(InstanceFailover.onInstance(filtered, B))
                .isEqualTo(URI.create("http://localhost:8083/api/v1/nodes?label=zone=b&label=rack%3Dr1"));
    }

    @Test
    void onlyARefusedConnectionIsRetried() {
        assertThat(InstanceFailover.refusedConnection(new RuntimeException(new java.net.ConnectException("refused"))))
                .isTrue();
        assertThat(InstanceFailover.refusedConnection(new java.io.IOException("Connection prematurely closed")))
                .isFalse();
    }
}
