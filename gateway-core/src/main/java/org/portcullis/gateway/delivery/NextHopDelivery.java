package org.portcullis.gateway.delivery;

import java.time.Duration;
import java.util.List;
import org.portcullis.gateway.config.DeliveryConfig;
import org.portcullis.gateway.config.RouteConfig;
import org.portcullis.gateway.envelope.Envelope;
import org.portcullis.gateway.envelope.Recipient;
import org.portcullis.gateway.log.EventLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one message to the recipients of one route: the next-hop addresses in failover
 * order until one takes the transaction, through the connection pools. A hop that cannot be
 * reached, greets with an error or cannot give the TLS the route needs passes the mail to the
 * next; when none is left, every recipient is deferred with the last hop's explanation.
 */
final class NextHopDelivery {

    private static final Logger log = LoggerFactory.getLogger(NextHopDelivery.class);

    private final SessionOpener opener;
    private final ConnectionPools pools;
    private final DeliveryConfig config;
    private final DeliveryMetrics metrics;

    NextHopDelivery(SessionOpener opener, ConnectionPools pools, DeliveryConfig config, DeliveryMetrics metrics) {
        this.opener = opener;
        this.pools = pools;
        this.config = config;
        this.metrics = metrics;
    }

    List<RecipientResult> deliver(List<HopAddress> hops, RouteConfig.TlsPolicy tls, Envelope envelope,
                                  List<Recipient> recipients, MessageContent content) {
        String relay = "none";
        String problem = "4.4.0 no next hop to try";
        for (HopAddress hop : hops) {
            Attempt attempt = attempt(hop, tls, envelope, recipients, content);
            if (attempt instanceof Attempt.Done done) {
                return done.results();
            }
            relay = hop.relay();
            problem = ((Attempt.NoSession) attempt).explanation();
            if (((Attempt.NoSession) attempt).stopping()) {
                break;
            }
        }
        String finalRelay = relay;
        String finalProblem = problem;
        return recipients.stream()
                .map(r -> new RecipientResult(r, RecipientResult.Status.DEFERRED, finalRelay, finalProblem))
                .toList();
    }

    private sealed interface Attempt {
        record Done(List<RecipientResult> results) implements Attempt {
        }

        record NoSession(String explanation, boolean stopping) implements Attempt {
        }
    }

    private Attempt attempt(HopAddress hop, RouteConfig.TlsPolicy tls, Envelope envelope, List<Recipient> recipients,
                            MessageContent content) {
        HopPool pool;
        HopPool.Lease lease;
        long started = System.nanoTime();
        try {
            do {
                if (pools.closed()) {
                    return stopping();
                }
                pool = pools.forHop(hop);
                lease = pool.acquire(hop.protocol(), tls);
            } while (lease instanceof HopPool.Lease.Gone);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return stopping();
        }
        if (lease.waited()) {
            metrics.poolWait(hop, Duration.ofNanos(System.nanoTime() - started));
        }
        HopSession session = null;
        boolean reused = false;
        if (lease instanceof HopPool.Lease.Reuse reuse) {
            session = stillAlive(reuse.session(), envelope);
            reused = session != null;
        }
        if (session == null) {
            switch (opener.open(hop, tls, envelope.queueId())) {
                case SessionOpener.Opened.Ready ready -> session = ready.session();
                case SessionOpener.Opened.Failed failed -> {
                    pool.release(null, false);
                    return new Attempt.NoSession(failed.explanation(), false);
                }
            }
        } else {
            metrics.connectionReused(hop);
        }
        MailTransaction.Outcome outcome = MailTransaction.run(session, config, envelope, recipients, content);
        if (outcome.lostBeforeMail() && reused) {
            // The kept session died between its RSET and our MAIL: not the hop's fault, and no
            // reason to defer. One more try on a fresh connection, in the same slot.
            metrics.staleConnection(hop);
            EventLog.info(log, envelope.queueId(), "stale_connection", "relay", hop.relay(),
                    "reply", outcome.problem().orElse("no reply to MAIL FROM"), "action", "opening a new connection");
            session.connection().close();
            switch (opener.open(hop, tls, envelope.queueId())) {
                case SessionOpener.Opened.Ready ready -> session = ready.session();
                case SessionOpener.Opened.Failed failed -> {
                    pool.release(null, false);
                    return new Attempt.NoSession(failed.explanation(), false);
                }
            }
            outcome = MailTransaction.run(session, config, envelope, recipients, content);
        }
        if (outcome.problem().isPresent()) {
            EventLog.warn(log, envelope.queueId(), "connection_problem", "relay", hop.relay(),
                    "reason", outcome.problem().get());
        }
        pool.release(session, outcome.reusable());
        return new Attempt.Done(outcome.results());
    }

    /** RSET on a kept session: the cheapest proof it still listens, and a clean state for MAIL. */
    private HopSession stillAlive(HopSession session, Envelope envelope) {
        SmtpConnection connection = session.connection();
        connection.send("RSET");
        SmtpReply reply = connection.read(config.commandTimeout(), "RSET");
        if (reply.code() == 250) {
            return session;
        }
        metrics.staleConnection(session.hop());
        EventLog.info(log, envelope.queueId(), "stale_connection", "relay", session.hop().relay(),
                "reply", reply.text(), "action", "opening a new connection");
        connection.close();
        return null;
    }

    private static Attempt stopping() {
        return new Attempt.NoSession("4.3.2 delivery is shutting down", true);
    }
}
