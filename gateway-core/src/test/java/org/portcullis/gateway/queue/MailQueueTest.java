package org.portcullis.gateway.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.gateway.queue.QueueFixtures.FakeAgent.deferred;
import static org.portcullis.gateway.queue.QueueFixtures.FakeAgent.delivered;
import static org.portcullis.gateway.queue.QueueFixtures.FakeAgent.failed;
import static org.portcullis.gateway.queue.QueueFixtures.SENDER;
import static org.portcullis.gateway.queue.QueueFixtures.await;
import static org.portcullis.gateway.queue.QueueFixtures.config;
import static org.portcullis.gateway.queue.QueueFixtures.delivery;
import static org.portcullis.gateway.queue.QueueFixtures.envelope;
import static org.portcullis.gateway.queue.QueueFixtures.rcpt;
import static org.portcullis.gateway.queue.QueueFixtures.submit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.gateway.config.DeliveryConfig;
import org.portcullis.gateway.envelope.Envelope;
import org.portcullis.gateway.envelope.MailAddress;
import org.portcullis.gateway.envelope.Recipient;
import org.portcullis.gateway.spool.SpoolState;

class MailQueueTest {

    @TempDir
    Path spoolDir;

    private final QueueFixtures.FakeAgent agent = new QueueFixtures.FakeAgent();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final QueueFixtures.LogCapture log = new QueueFixtures.LogCapture();
    private final List<MailQueue> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(MailQueue::close);
        log.close();
    }

    private MailQueue open(DeliveryConfig delivery, Clock clock) throws Exception {
        MailQueue queue = MailQueue.open(config(spoolDir, delivery), agent, registry, clock, QueueFixtures.fastSettings());
        opened.add(queue);
        return queue;
    }

    private static DeliveryConfig quickRetries() {
        return delivery(Duration.ofMillis(100), Duration.ofMillis(400), 0.2, Duration.ofDays(5), 100);
    }

    @Test
    void deferredMailWaitsGrowingJitteredIntervalsAndIsDeliveredWhenTheHopRecoversWithNothingBounced()
            throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        agent.rule = (request, r) -> attempts.incrementAndGet() <= 4 ? deferred(r) : delivered(r);
        MailQueue queue = open(quickRetries(), Clock.systemUTC());
        queue.start();

        Envelope env = submit(queue.spool(), envelope(SENDER, null, Instant.now(), rcpt("bob")));

        assertThat(await(Duration.ofSeconds(10), () -> !log.lines("queue_id=" + env.queueId() + " event=removed")
                .isEmpty())).isTrue();
        List<QueueFixtures.FakeAgent.Call> calls = agent.callsFor(env.queueId());
        assertThat(calls).hasSize(5);
        long[] expectedBase = {100, 200, 400, 400};
        for (int i = 0; i < 4; i++) {
            long waited = (calls.get(i + 1).nanos() - calls.get(i).nanos()) / 1_000_000;
            assertThat(waited).as("wait %d", i + 1)
                    .isGreaterThanOrEqualTo(Math.round(expectedBase[i] * 0.8) - 5)
                    .isLessThanOrEqualTo(Math.round(expectedBase[i] * 1.2) + 500);  // slack for a busy machine
        }
        assertThat(log.lines("queue_id=" + env.queueId() + " event=deferred")).hasSize(4)
                .allSatisfy(l -> assertThat(l).contains("to=<bob@example.com>", "relay=hop.test[127.0.0.1]:25",
                        "reply=\"451 4.4.1 hop.test is not answering\"", "next_attempt="));
        assertThat(log.lines("queue_id=" + env.queueId() + " event=delivered")).singleElement()
                .satisfies(l -> assertThat(l).contains("to=<bob@example.com>", "status=sent", "delay="));
        assertThat(log.lines()).noneMatch(l -> l.contains("event=bounced") || l.contains("event=dsn"));
        assertThat(agent.calls).hasSize(5);
        assertThat(queue.admin().list()).isEmpty();
        assertThat(registry.get("portcullis.queue.deliveries").tag("result", "deferred").counter().count()).isEqualTo(4);
        assertThat(registry.get("portcullis.queue.deliveries").tag("result", "delivered").counter().count()).isEqualTo(1);
        // Each deferral was recorded durably; the delivery that finished the message needed no record.
        assertThat(registry.get("portcullis.spool.fsyncs").tag("kind", "progress").counter().count()).isEqualTo(4);
    }

    @Test
    void permanentFailureSpoolsADsnFromTheNullSenderWithAPerRecipientReport() throws Exception {
        Recipient refused = new Recipient(new MailAddress("carol", "example.com"), "FAILURE",
                "rfc822;carol+2Bsales@example.com");
        Recipient accepted = rcpt("bob");
        agent.rule = (request, r) -> request.envelope().sender().isNullSender() ? deferred(r)
                : r.equals(refused) ? failed(r) : delivered(r);
        MailQueue queue = open(quickRetries(), Clock.systemUTC());
        queue.start();

        Envelope env = submit(queue.spool(), envelope(SENDER, "HDRS", Instant.now(), accepted, refused));

        assertThat(await(Duration.ofSeconds(10), () -> !agent.callsFrom(MailAddress.NULL_SENDER).isEmpty())).isTrue();
        QueueFixtures.FakeAgent.Call dsnCall = agent.callsFrom(MailAddress.NULL_SENDER).get(0);
        Envelope dsnEnvelope = dsnCall.request().envelope();
        assertThat(dsnEnvelope.queueId()).isNotEqualTo(env.queueId());
        assertThat(dsnEnvelope.recipients()).extracting(Recipient::address).containsExactly(SENDER);
        assertThat(log.lines("queue_id=" + env.queueId() + " event=dsn dsn_queue_id=" + dsnEnvelope.queueId()))
                .hasSize(1);
        assertThat(log.lines("queue_id=" + env.queueId() + " event=bounced")).singleElement()
                .satisfies(l -> assertThat(l).contains("to=<carol@example.com>", "550 5.1.1"));
        // The original goes once its progress is recorded, which may come a moment after the DSN's first try.
        assertThat(await(Duration.ofSeconds(5), () -> log.lines("queue_id=" + env.queueId() + " event=removed").size() == 1))
                .isTrue();

        // The DSN waits in the spool (its own next hop defers it), a message like any other.
        assertThat(await(Duration.ofSeconds(5), () -> listed(queue).stream()
                .anyMatch(m -> m.queueId().equals(dsnEnvelope.queueId())))).isTrue();
        assertThat(listed(queue)).filteredOn(m -> m.queueId().equals(dsnEnvelope.queueId())).singleElement()
                .satisfies(m -> {
                    assertThat(m.sender().isNullSender()).isTrue();
                    assertThat(m.pendingRecipients()).isEqualTo(1);
                });

        Mime dsn = Mime.parse(dsnCall.content());
        assertThat(dsn.header("From")).startsWith("MAILER-DAEMON@" + QueueFixtures.HOSTNAME);
        assertThat(dsn.header("To")).isEqualTo("<alice@sender.test>");
        assertThat(dsn.header("Auto-Submitted")).isEqualTo("auto-replied");
        assertThat(dsn.header("Content-Type")).startsWith("multipart/report;").contains("report-type=delivery-status");
        assertThat(new String(dsnCall.content(), StandardCharsets.US_ASCII))
                .startsWith("Received: from localhost by " + QueueFixtures.HOSTNAME);
        List<Mime> parts = dsn.parts();
        assertThat(parts).hasSize(3);
        assertThat(parts.get(0).header("Content-Type")).startsWith("text/plain");
        assertThat(parts.get(0).body()).contains("<carol@example.com>: 550 5.1.1").doesNotContain("bob@");
        assertThat(parts.get(1).header("Content-Type")).isEqualTo("message/delivery-status");
        List<Map<String, List<String>>> groups = parts.get(1).statusGroups();
        assertThat(groups).hasSize(2);
        assertThat(groups.get(0)).containsEntry("reporting-mta", List.of("dns; " + QueueFixtures.HOSTNAME))
                .containsEntry("original-envelope-id", List.of("ENV-1"))
                .containsKey("arrival-date");
        assertThat(groups.get(1))
                .containsEntry("final-recipient", List.of("rfc822; carol@example.com"))
                .containsEntry("original-recipient", List.of("rfc822; carol+sales@example.com"))
                .containsEntry("action", List.of("failed"))
                .containsEntry("status", List.of("5.1.1"))
                .containsEntry("remote-mta", List.of("dns; mx.example.com"))
                .containsEntry("diagnostic-code",
                        List.of("smtp; 550 5.1.1 <carol@example.com>: Recipient address rejected: User unknown"));
        assertThat(parts.get(2).header("Content-Type")).isEqualTo("text/rfc822-headers");
        assertThat(parts.get(2).body()).contains("Subject: quarterly figures").doesNotContain("The body line");
        assertThat(registry.get("portcullis.queue.dsn.generated").counter().count()).isEqualTo(1);
    }

    @Test
    void retFullReturnsTheWholeOriginalMessage() throws Exception {
        agent.rule = (request, r) -> request.envelope().sender().isNullSender() ? delivered(r) : failed(r);
        MailQueue queue = open(quickRetries(), Clock.systemUTC());
        queue.start();

        Envelope env = submit(queue.spool(), envelope(SENDER, "FULL", Instant.now(), rcpt("carol")));

        assertThat(await(Duration.ofSeconds(10), () -> !agent.callsFrom(MailAddress.NULL_SENDER).isEmpty())).isTrue();
        List<Mime> parts = Mime.parse(agent.callsFrom(MailAddress.NULL_SENDER).get(0).content()).parts();
        assertThat(parts.get(2).header("Content-Type")).isEqualTo("message/rfc822");
        String original = new String(QueueFixtures.content(env.queueId()), StandardCharsets.US_ASCII);
        assertThat(parts.get(2).body()).isEqualTo(original);
    }

    @Test
    void notifyNeverAndTheNullSenderGetNoDsn() throws Exception {
        agent.rule = (request, r) -> failed(r);
        MailQueue queue = open(quickRetries(), Clock.systemUTC());
        queue.start();

        Envelope never = submit(queue.spool(), envelope(SENDER, null, Instant.now(),
                new Recipient(new MailAddress("dave", "example.com"), "NEVER", null)));
        Envelope successOnly = submit(queue.spool(), envelope(SENDER, null, Instant.now(),
                new Recipient(new MailAddress("erin", "example.com"), "SUCCESS,DELAY", null)));
        Envelope bounce = submit(queue.spool(), envelope(MailAddress.NULL_SENDER, null, Instant.now(), rcpt("frank")));

        for (Envelope e : List.of(never, successOnly, bounce)) {
            assertThat(await(Duration.ofSeconds(10), () -> !log.lines("queue_id=" + e.queueId() + " event=removed")
                    .isEmpty())).isTrue();
            assertThat(log.lines("queue_id=" + e.queueId() + " event=bounced")).hasSize(1);
        }
        Thread.sleep(200);
        assertThat(log.lines()).noneMatch(l -> l.contains("event=dsn"));
        assertThat(agent.calls).hasSize(3);
        assertThat(queue.admin().list()).isEmpty();
    }

    @Test
    void aRecipientQueuedLongerThanTheLifetimeIsBouncedWith447() throws Exception {
        Instant now = Instant.parse("2025-06-10T12:00:00Z");
        agent.rule = (request, r) -> request.envelope().sender().isNullSender() ? delivered(r) : deferred(r);
        MailQueue queue = open(delivery(Duration.ofMillis(100), Duration.ofMillis(400), 0.2, Duration.ofDays(5), 100),
                Clock.fixed(now, ZoneOffset.UTC));
        queue.start();

        Envelope old = submit(queue.spool(), envelope(SENDER, null, now.minus(Duration.ofDays(5)).minusSeconds(1),
                rcpt("gina")));

        assertThat(await(Duration.ofSeconds(10), () -> !agent.callsFrom(MailAddress.NULL_SENDER).isEmpty())).isTrue();
        assertThat(agent.callsFor(old.queueId())).hasSize(1);
        assertThat(log.lines("queue_id=" + old.queueId() + " event=bounced")).singleElement()
                .satisfies(l -> assertThat(l).contains("4.4.7", "last reply: 451 4.4.1"));
        assertThat(log.lines("queue_id=" + old.queueId() + " event=deferred")).isEmpty();
        Mime dsn = Mime.parse(agent.callsFrom(MailAddress.NULL_SENDER).get(0).content());
        Map<String, List<String>> recipient = dsn.parts().get(1).statusGroups().get(1);
        assertThat(recipient).containsEntry("status", List.of("4.4.7")).containsEntry("action", List.of("failed"))
                .containsEntry("diagnostic-code", List.of("smtp; 451 4.4.1 hop.test is not answering"));
        assertThat(registry.get("portcullis.queue.expired").counter().count()).isEqualTo(1);
    }

    @Test
    void aMessageWhoseHopIsDownBouncesNothingBeforeItsLifetime() throws Exception {
        agent.rule = (request, r) -> deferred(r);
        MailQueue queue = open(delivery(Duration.ofMillis(50), Duration.ofMillis(50), 0, Duration.ofDays(5), 100),
                Clock.systemUTC());
        queue.start();

        Envelope env = submit(queue.spool(), envelope(SENDER, null, Instant.now(), rcpt("hal")));

        assertThat(await(Duration.ofSeconds(10), () -> agent.callsFor(env.queueId()).size() >= 10)).isTrue();
        assertThat(log.lines()).noneMatch(l -> l.contains("event=bounced") || l.contains("event=dsn"));
        assertThat(listed(queue)).singleElement().satisfies(m -> assertThat(m.attempts()).isGreaterThanOrEqualTo(9));
    }

    @Test
    void attemptsInFlightNeverExceedTheConfiguredLimit() throws Exception {
        AtomicInteger now = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        org.portcullis.gateway.delivery.DeliveryAgent slow = new org.portcullis.gateway.delivery.DeliveryAgent() {
            @Override
            public java.util.concurrent.CompletableFuture<org.portcullis.gateway.delivery.DeliveryOutcome> deliver(
                    org.portcullis.gateway.delivery.DeliveryRequest request) {
                int inFlight = now.incrementAndGet();
                most.accumulateAndGet(inFlight, Math::max);
                return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    now.decrementAndGet();
                    return new org.portcullis.gateway.delivery.DeliveryOutcome(
                            request.recipients().stream().map(r -> delivered(r)).toList());
                });
            }
        };
        MailQueue queue = MailQueue.open(config(spoolDir, delivery(Duration.ofMillis(100), Duration.ofMillis(100), 0,
                Duration.ofDays(5), 2)), slow, registry, Clock.systemUTC(), QueueFixtures.fastSettings());
        opened.add(queue);
        for (int i = 0; i < 10; i++) {
            submit(queue.spool(), envelope(SENDER, null, Instant.now(), rcpt("ivan" + i)));
        }
        queue.start();

        assertThat(await(Duration.ofSeconds(10), () -> log.lines("event=removed").size() == 10)).isTrue();
        assertThat(most.get()).isEqualTo(2);
        assertThat(registry.get("portcullis.queue.attempts.limited").counter().count()).isPositive();
    }

    @Test
    void queueSizeGaugesFollowTheStates() throws Exception {
        agent.rule = (request, r) -> deferred(r);
        MailQueue queue = open(delivery(Duration.ofHours(1), Duration.ofHours(1), 0, Duration.ofDays(5), 100),
                Clock.systemUTC());
        queue.start();
        Envelope env = submit(queue.spool(), envelope(SENDER, null, Instant.now(), rcpt("judy")));

        assertThat(await(Duration.ofSeconds(5), () -> gauge("deferred") == 1)).isTrue();
        assertThat(gauge("active")).isZero();
        queue.admin().hold(env.queueId());
        assertThat(await(Duration.ofSeconds(5), () -> gauge("hold") == 1)).isTrue();
        assertThat(Files.exists(spoolDir.resolve("hold").resolve(env.queueId().value()))).isTrue();
    }

    private double gauge(String state) {
        return registry.get("portcullis.queue.messages").tag("state", state).gauge().value();
    }

    static List<QueueListing.Message> listed(MailQueue queue) {
        try {
            return queue.admin().list().stream().filter(QueueListing.Message.class::isInstance)
                    .map(QueueListing.Message.class::cast).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static boolean inState(Path spoolDir, SpoolState state, Envelope env) {
        return Files.exists(spoolDir.resolve(state.directoryName()).resolve(env.queueId().value()));
    }
}
