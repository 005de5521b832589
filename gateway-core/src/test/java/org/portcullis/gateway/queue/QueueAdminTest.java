package org.portcullis.gateway.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.gateway.queue.QueueFixtures.FakeAgent.deferred;
import static org.portcullis.gateway.queue.QueueFixtures.FakeAgent.delivered;
import static org.portcullis.gateway.queue.QueueFixtures.SENDER;
import static org.portcullis.gateway.queue.QueueFixtures.await;
import static org.portcullis.gateway.queue.QueueFixtures.config;
import static org.portcullis.gateway.queue.QueueFixtures.delivery;
import static org.portcullis.gateway.queue.QueueFixtures.envelope;
import static org.portcullis.gateway.queue.QueueFixtures.rcpt;
import static org.portcullis.gateway.queue.QueueFixtures.submit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.gateway.envelope.Envelope;
import org.portcullis.gateway.spool.SpoolState;

/** Hold, release, delete and flush from an admin tool, on the directory of a running gateway. */
class QueueAdminTest {

    @TempDir
    Path spoolDir;

    private final QueueFixtures.FakeAgent agent = new QueueFixtures.FakeAgent();
    private final QueueFixtures.LogCapture log = new QueueFixtures.LogCapture();
    private MailQueue queue;
    private QueueAdmin admin;

    @BeforeEach
    void startQueue() throws Exception {
        agent.rule = (request, r) -> deferred(r);
        queue = MailQueue.open(config(spoolDir, delivery(Duration.ofMillis(100), Duration.ofMillis(100), 0,
                Duration.ofDays(5), 100)), agent, new SimpleMeterRegistry(), Clock.systemUTC(),
                QueueFixtures.fastSettings());
        queue.start();
        admin = new QueueAdmin(spoolDir);   // as the CLI would, from the path alone
    }

    @AfterEach
    void stopQueue() {
        queue.close();
        log.close();
    }

    @Test
    void aHeldMessageIsNotDeliveredUntilReleased() throws Exception {
        Envelope env = submit(queue.spool(), envelope(SENDER, null, Instant.now(), rcpt("quinn")));
        assertThat(await(Duration.ofSeconds(5), () -> agent.callsFor(env.queueId()).size() >= 2)).isTrue();

        assertThat(admin.hold(env.queueId())).isInstanceOfAny(AdminResult.Moved.class);
        assertThat(Files.exists(spoolDir.resolve("hold").resolve(env.queueId().value()))).isTrue();
        Thread.sleep(400);   // an attempt in flight at the moment of the hold may still finish
        int attemptsWhileHeld = agent.callsFor(env.queueId()).size();
        Thread.sleep(600);
        assertThat(agent.callsFor(env.queueId())).hasSize(attemptsWhileHeld);
        assertThat(admin.hold(env.queueId())).isEqualTo(new AdminResult.Unchanged(env.queueId(), SpoolState.HOLD));
        assertThat(admin.list(SpoolState.HOLD)).singleElement().isInstanceOfSatisfying(QueueListing.Message.class, m -> {
            assertThat(m.queueId()).isEqualTo(env.queueId());
            assertThat(m.sender()).isEqualTo(SENDER);
            assertThat(m.pendingRecipients()).isEqualTo(1);
            assertThat(m.attempts()).isGreaterThanOrEqualTo(2);
            assertThat(m.nextAttempt()).isNotNull();
            assertThat(m.size()).isEqualTo(QueueFixtures.content(env.queueId()).length);
        });

        agent.rule = (request, r) -> delivered(r);
        assertThat(admin.release(env.queueId()))
                .isEqualTo(new AdminResult.Moved(env.queueId(), SpoolState.HOLD, SpoolState.ACTIVE));
        assertThat(await(Duration.ofSeconds(5), () -> !log.lines("queue_id=" + env.queueId() + " event=removed")
                .isEmpty())).isTrue();
        assertThat(log.lines("queue_id=" + env.queueId() + " event=delivered")).hasSize(1);
        assertThat(admin.list()).isEmpty();
    }

    @Test
    void aDeletedMessageIsNeverTriedAgain() throws Exception {
        Envelope env = submit(queue.spool(), envelope(SENDER, null, Instant.now(), rcpt("rosa")));
        assertThat(await(Duration.ofSeconds(5), () -> agent.callsFor(env.queueId()).size() >= 2)).isTrue();

        assertThat(admin.delete(env.queueId())).isInstanceOf(AdminResult.Deleted.class);
        Thread.sleep(200);
        int attempts = agent.callsFor(env.queueId()).size();
        Thread.sleep(500);

        assertThat(agent.callsFor(env.queueId())).hasSize(attempts);
        assertThat(admin.delete(env.queueId())).isEqualTo(new AdminResult.NotFound(env.queueId()));
        for (String state : List.of("active", "deferred", "hold")) {
            assertThat(Files.exists(spoolDir.resolve(state).resolve(env.queueId().value()))).isFalse();
        }
        assertThat(log.lines()).noneMatch(l -> l.contains("event=bounced") || l.contains("event=dsn"));
    }

    @Test
    void listShowsEveryStateAndFlushMakesDeferredMailDueNow() throws Exception {
        queue.close();
        agent.rule = (request, r) -> deferred(r);
        queue = MailQueue.open(config(spoolDir, delivery(Duration.ofHours(1), Duration.ofHours(1), 0,
                Duration.ofDays(5), 100)), agent, new SimpleMeterRegistry(), Clock.systemUTC(),
                QueueFixtures.fastSettings());
        queue.start();
        Envelope deferredOne = submit(queue.spool(), envelope(SENDER, null, Instant.now(), rcpt("sam"), rcpt("tia")));
        Envelope heldOne = submit(queue.spool(), envelope(SENDER, null, Instant.now(), rcpt("uma")));
        for (Envelope e : List.of(deferredOne, heldOne)) {
            assertThat(await(Duration.ofSeconds(5), () -> Files.exists(spoolDir.resolve("deferred")
                    .resolve(e.queueId().value())))).isTrue();
        }
        admin.hold(heldOne.queueId());
        Files.write(spoolDir.resolve("hold").resolve("README"), "an admin's note".getBytes());

        List<QueueListing> all = admin.list();
        assertThat(all).filteredOn(QueueListing.Message.class::isInstance).extracting(l -> (QueueListing.Message) l)
                .extracting(QueueListing.Message::queueId, QueueListing.Message::state,
                        QueueListing.Message::pendingRecipients, QueueListing.Message::attempts)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(deferredOne.queueId(), SpoolState.DEFERRED, 2, 1),
                        org.assertj.core.groups.Tuple.tuple(heldOne.queueId(), SpoolState.HOLD, 1, 1));
        assertThat(all).filteredOn(QueueListing.Unreadable.class::isInstance).singleElement()
                .satisfies(l -> assertThat(((QueueListing.Unreadable) l).fileName()).isEqualTo("README"));

        agent.rule = (request, r) -> delivered(r);
        assertThat(admin.flush()).isEqualTo(1);
        assertThat(await(Duration.ofSeconds(5), () -> !log.lines("queue_id=" + deferredOne.queueId()
                + " event=removed").isEmpty())).isTrue();
        assertThat(agent.callsFor(heldOne.queueId())).hasSize(1);
    }

    @Test
    void aMessageSeenInTwoDirectoriesWhileItMovesIsListedOnceWhereItWent() throws Exception {
        queue.close();
        agent.rule = (request, r) -> deferred(r);
        queue = MailQueue.open(config(spoolDir, delivery(Duration.ofHours(1), Duration.ofHours(1), 0,
                Duration.ofDays(5), 100)), agent, new SimpleMeterRegistry(), Clock.systemUTC(),
                QueueFixtures.fastSettings());
        queue.start();
        Envelope env = submit(queue.spool(), envelope(SENDER, null, Instant.now(), rcpt("vic")));
        Path deferred = spoolDir.resolve("deferred").resolve(env.queueId().value());
        assertThat(await(Duration.ofSeconds(5), () -> Files.exists(deferred))).isTrue();
        queue.close();
        // The moment of a move from active/ to deferred/ as a listing can see it: in both.
        Files.copy(deferred, spoolDir.resolve("active").resolve(env.queueId().value()));

        assertThat(admin.list()).singleElement().isInstanceOfSatisfying(QueueListing.Message.class,
                m -> assertThat(m.state()).isEqualTo(SpoolState.DEFERRED));
    }
}
