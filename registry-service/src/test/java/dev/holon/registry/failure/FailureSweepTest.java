package dev.holon.registry.failure;

import dev.holon.registry.RegistryProperties;
import dev.holon.registry.node.Node;
import dev.holon.registry.node.NodeRepository;
import dev.holon.registry.node.NodeService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

class FailureSweepTest {

    private static final Instant STARTED = Instant.parse("2026-12-01T10:00:00Z");

    private final NodeRepository nodes = mock(NodeRepository.class);
    private final NodeService service = mock(NodeService.class);
    private final Clock clock = mock(Clock.class);
    private final Set<String> answering = ConcurrentHashMap.newKeySet();
    private final List<String> probed = new CopyOnWriteArrayList<>();
    private Instant now = STARTED;
    private FailureSweep sweep;

    @BeforeEach
    void start() {
        when(clock.instant()).thenAnswer(call -> now);
        NodeProbe probe = (id, apiUrl) -> {
            probed.add(id);
            return answering.contains(id);
        };
        RegistryProperties properties = new RegistryProperties(Duration.ofSeconds(2), Duration.ofSeconds(4),
                Duration.ofMillis(250), Duration.ofSeconds(1), Duration.ofSeconds(20), Duration.ofMinutes(1));
        sweep = new FailureSweep(nodes, service, new FailureDetector(Duration.ofSeconds(2), Duration.ofSeconds(4)),
                probe, properties, clock);
    }

    @Test
    void judgesSilenceFromTheRegistrysStartUntilItLosesItsDatabase() {
        when(nodes.findQuietSince(any())).thenReturn(List.of(new Node("n1", STARTED)));
        now = STARTED.plusSeconds(60);

        sweep.sweep();

        verify(service).judgeSilence("n1", STARTED, now);
    }

    @Test
    void afterADatabaseOutageEveryNodeIsJudgedFromItsEndAsAfterARestart() {
        Instant lastFailure = STARTED.plusSeconds(70);
        when(nodes.findQuietSince(any()))
                .thenThrow(new DataAccessResourceFailureException("connection refused"))
                .thenThrow(new DataAccessResourceFailureException("connection refused"))
                .thenReturn(List.of(new Node("n1", STARTED)));
        now = STARTED.plusSeconds(60);
        sweep.sweep();
        now = lastFailure;
        sweep.sweep();
        now = lastFailure.plusSeconds(1);
        sweep.sweep();
        verify(service, never()).judgeSilence(any(), any(), any());
        now = lastFailure.plusSeconds(2);

        sweep.sweep();

        verify(service).judgeSilence("n1", lastFailure.plusSeconds(1), now);
    }

    @Test
    void aReadThatWaitedLongForTheDatabaseJudgesNobodyAndStartsAFreshWindow() {
        Instant waitedUntil = STARTED.plusSeconds(90);
        when(nodes.findQuietSince(any())).thenAnswer(call -> {
            now = waitedUntil;
            return List.of(new Node("n1", STARTED));
        }).thenReturn(List.of(new Node("n1", STARTED)));
        now = STARTED.plusSeconds(80);
        sweep.sweep();
        verify(service, never()).judgeSilence(any(), any(), any());

        sweep.sweep();

        verify(service).judgeSilence("n1", waitedUntil, waitedUntil);
    }

    @Test
    void aNodeDueDownThatStillAnswersIsJudgedFromItsAnswerAndAskedAgainAWindowLater() {
        when(nodes.findQuietSince(any())).thenReturn(List.of(new Node("n1", STARTED), new Node("n2", STARTED)));
        answering.add("n1");
        Instant due = STARTED.plusSeconds(5);
        now = due;

        sweep.sweep();

        verify(service).judgeSilence("n1", due, due); // SUSPECT at most, not DOWN: silence counts from the answer
        verify(service).judgeSilence("n2", STARTED, due); // it did not answer: DOWN
        assertThat(probed).containsExactlyInAnyOrder("n1", "n2");

        probed.clear();
        now = due.plusSeconds(3);
        sweep.sweep();
        assertThat(probed).as("not due again before a full window from its answer").containsExactly("n2");

        probed.clear();
        answering.clear();
        now = due.plusSeconds(4);
        sweep.sweep();
        assertThat(probed).contains("n1");
        // no answer now: judged on a full window of silence since its answer, which is DOWN
        verify(service).judgeSilence("n1", due, due.plusSeconds(4));
    }

    @Test
    void aNodeNotYetDueDownIsNotAsked() {
        when(nodes.findQuietSince(any())).thenReturn(List.of(new Node("n1", STARTED)));
        now = STARTED.plusSeconds(3);

        sweep.sweep();

        assertThat(probed).isEmpty();
        verify(service).judgeSilence("n1", STARTED, now);
    }

    @Test
    void everyNodeIsJudgedAtTheReadSoNoneReachesDownUnaskedWhileOthersAreAsked() {
        Instant read = STARTED.plusSeconds(10);
        // n1 is due and its machine is gone: its probe takes the whole timeout; n2 is 3.9 s silent at the read
        when(nodes.findQuietSince(any())).thenReturn(List.of(new Node("n1", STARTED),
                new Node("n2", read.minusMillis(3900))));
        NodeProbe slow = (id, apiUrl) -> {
            probed.add(id);
            now = now.plusSeconds(1);
            return false;
        };
        RegistryProperties properties = new RegistryProperties(Duration.ofSeconds(2), Duration.ofSeconds(4),
                Duration.ofMillis(250), Duration.ofSeconds(1), Duration.ofSeconds(20), Duration.ofMinutes(1));
        sweep = new FailureSweep(nodes, service, new FailureDetector(Duration.ofSeconds(2), Duration.ofSeconds(4)),
                slow, properties, clock);
        now = read;

        sweep.sweep();

        assertThat(probed).containsExactly("n1");
        verify(service).judgeSilence("n1", STARTED, read);
        verify(service).judgeSilence("n2", STARTED, read); // 3.9 s at the read: SUSPECT, not DOWN
    }

    @Test
    void aNodeThatAnswersButNeverHeartbeatsIsDownOnceTheGraceFromItsFirstAnswerIsOver() {
        when(nodes.findQuietSince(any())).thenReturn(List.of(new Node("n1", STARTED)));
        answering.add("n1");
        Instant firstAnswer = STARTED.plusSeconds(5);
        Instant lastAnswer = firstAnswer;
        for (now = firstAnswer; now.isBefore(firstAnswer.plusSeconds(20)); now = now.plusSeconds(4)) {
            sweep.sweep();
            verify(service).judgeSilence("n1", now, now);
            lastAnswer = now;
        }
        assertThat(probed).hasSize(5);

        probed.clear();
        sweep.sweep(); // 20 s after its first answer: the grace is over

        assertThat(probed).isEmpty();
        verify(service).judgeSilence("n1", lastAnswer, now); // 4 s since its last answer: DOWN
    }

    @Test
    void anAnswerFromBeforeADatabaseOutageDoesNotShortenTheProbeGraceAfterIt() {
        Node n1 = new Node("n1", STARTED);
        when(nodes.findQuietSince(any())).thenReturn(List.of(n1))
                .thenThrow(new DataAccessResourceFailureException("connection refused"))
                .thenReturn(List.of(n1));
        answering.add("n1");
        now = STARTED.plusSeconds(5);
        sweep.sweep(); // due DOWN, answers: its first answer
        now = STARTED.plusSeconds(10);
        sweep.sweep(); // the database is away
        now = STARTED.plusSeconds(25);
        sweep.sweep(); // sight is back: a fresh window from here
        probed.clear();
        now = STARTED.plusSeconds(29); // due DOWN again, 24 s after that first answer (the grace is 20 s)

        sweep.sweep();

        assertThat(probed).as("asked again, not DOWN on an answer from before the outage").containsExactly("n1");
        verify(service).judgeSilence("n1", now, now);
    }
}
