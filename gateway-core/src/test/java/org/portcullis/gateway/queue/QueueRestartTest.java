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
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.gateway.config.DeliveryConfig;
import org.portcullis.gateway.envelope.Envelope;
import org.portcullis.gateway.spool.RecoveryReport;
import org.portcullis.gateway.spool.SpoolWriter;

/** What survives a stop or a crash: the queue is rebuilt from the spool alone. */
class QueueRestartTest {

    @TempDir
    Path spoolDir;

    private final QueueFixtures.LogCapture log = new QueueFixtures.LogCapture();

    @AfterEach
    void detach() {
        log.close();
    }

    private MailQueue open(QueueFixtures.FakeAgent agent) throws Exception {
        DeliveryConfig slowRetries = delivery(Duration.ofHours(1), Duration.ofHours(1), 0.2, Duration.ofDays(5), 100);
        return MailQueue.open(config(spoolDir, slowRetries), agent, new SimpleMeterRegistry(), Clock.systemUTC(),
                QueueFixtures.fastSettings());
    }

    @Test
    void afterAPartialDeliveryOnlyTheDeferredRecipientIsRetriedAfterARestart() throws Exception {
        QueueFixtures.FakeAgent first = new QueueFixtures.FakeAgent();
        first.rule = (request, r) -> r.address().localPart().equals("kate") ? delivered(r) : deferred(r);
        Envelope env;
        try (MailQueue queue = open(first)) {
            queue.start();
            env = submit(queue.spool(), envelope(SENDER, null, Instant.now(), rcpt("kate"), rcpt("liam")));
            assertThat(await(Duration.ofSeconds(5), () -> Files.exists(spoolDir.resolve("deferred")
                    .resolve(env.queueId().value())))).isTrue();
        }

        QueueFixtures.FakeAgent second = new QueueFixtures.FakeAgent();
        try (MailQueue queue = open(second)) {
            RecoveryReport report = queue.start();
            assertThat(report.deferred()).isEqualTo(1);
            // Its next attempt is an hour away; a flush makes it due now.
            assertThat(queue.admin().flush()).isEqualTo(1);
            assertThat(await(Duration.ofSeconds(5), () -> !second.calls.isEmpty())).isTrue();
            assertThat(second.calls.get(0).request().recipients()).containsExactly(rcpt("liam"));
            assertThat(await(Duration.ofSeconds(5), () -> !log.lines("queue_id=" + env.queueId() + " event=removed")
                    .isEmpty())).isTrue();
        }
        assertThat(first.callsFor(env.queueId())).hasSize(1);
    }

    @Test
    void onStartAnUncommittedLeftoverIsRemovedAndACommittedButUnmovedMessageIsDelivered() throws Exception {
        QueueFixtures.FakeAgent idle = new QueueFixtures.FakeAgent();
        Envelope unfinished = envelope(SENDER, null, Instant.now(), rcpt("mia"));
        Envelope committed;
        MailQueue before = open(idle);
        // Not started: nothing is delivered, as if the gateway died right after the commit.
        SpoolWriter writer = before.spool().begin(unfinished);
        writer.write(ByteBuffer.wrap(QueueFixtures.content(unfinished.queueId())));
        committed = submit(before.spool(), envelope(SENDER, null, Instant.now(), rcpt("noah")));
        before.close();
        Files.move(spoolDir.resolve("active").resolve(committed.queueId().value()),
                spoolDir.resolve("incoming").resolve(committed.queueId().value()));

        QueueFixtures.FakeAgent agent = new QueueFixtures.FakeAgent();
        try (MailQueue queue = open(agent)) {
            RecoveryReport report = queue.start();

            assertThat(report.incomingRemoved()).isEqualTo(1);
            assertThat(report.incomingRecovered()).isEqualTo(1);
            assertThat(report.active()).isEqualTo(1);
            assertThat(Files.exists(spoolDir.resolve("incoming").resolve(unfinished.queueId().value()))).isFalse();
            assertThat(await(Duration.ofSeconds(5), () -> !log.lines("queue_id=" + committed.queueId()
                    + " event=delivered").isEmpty())).isTrue();
            assertThat(agent.calls).extracting(QueueFixtures.FakeAgent.Call::queueId).containsExactly(committed.queueId());
            assertThat(agent.calls.get(0).content()).isEqualTo(QueueFixtures.content(committed.queueId()));
        }
    }

    @Test
    void aGarbageFileIsSetAsideAndTheGoodMessagesAreStillDelivered() throws Exception {
        Envelope good;
        try (MailQueue queue = open(new QueueFixtures.FakeAgent())) {
            good = submit(queue.spool(), envelope(SENDER, null, Instant.now(), rcpt("olga")));
        }
        String junk = QueueFixtures.IDS.next().value();
        Files.write(spoolDir.resolve("deferred").resolve(junk), "this is not a spool file".getBytes());

        QueueFixtures.FakeAgent agent = new QueueFixtures.FakeAgent();
        try (MailQueue queue = open(agent)) {
            RecoveryReport report = queue.start();

            assertThat(report.corrupt()).isEqualTo(1);
            assertThat(report.active()).isEqualTo(1);
            assertThat(Files.exists(spoolDir.resolve("corrupt").resolve(junk))).isTrue();
            assertThat(log.lines("event=corrupt")).singleElement().satisfies(l -> assertThat(l).contains(junk));
            assertThat(await(Duration.ofSeconds(5), () -> !agent.callsFor(good.queueId()).isEmpty())).isTrue();
        }
        assertThat(log.lines("event=recovered active=1 deferred=0 held=0 corrupt=1")).hasSize(1);
    }

    @Test
    void heldMessagesStayHeldAcrossARestart() throws Exception {
        Envelope env;
        try (MailQueue queue = open(new QueueFixtures.FakeAgent())) {
            env = submit(queue.spool(), envelope(SENDER, null, Instant.now(), rcpt("pia")));
            assertThat(queue.admin().hold(env.queueId())).isInstanceOf(AdminResult.Moved.class);
        }
        QueueFixtures.FakeAgent agent = new QueueFixtures.FakeAgent();
        try (MailQueue queue = open(agent)) {
            assertThat(queue.start().held()).isEqualTo(1);
            Thread.sleep(300);
            assertThat(agent.calls).isEmpty();
        }
    }
}
