package org.portcullis.gateway.delivery;

import java.util.Optional;
import org.portcullis.gateway.config.DeliveryConfig;
import org.portcullis.gateway.config.RouteConfig;
import org.portcullis.gateway.envelope.QueueId;
import org.portcullis.gateway.log.EventLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets up a session to one next-hop address: connect, greeting, EHLO (LHLO for LMTP; HELO when
 * EHLO is refused), and STARTTLS as the route's TLS policy asks. Any failure here means "try
 * the next hop"; it is logged once, with the queue id of the message that wanted the session.
 */
final class SessionOpener {

    private static final Logger log = LoggerFactory.getLogger(SessionOpener.class);

    private final ClientTransport transport;
    private final DeliveryConfig timeouts;
    private final String heloName;
    private final DeliveryMetrics metrics;

    SessionOpener(ClientTransport transport, DeliveryConfig timeouts, String heloName, DeliveryMetrics metrics) {
        this.transport = transport;
        this.timeouts = timeouts;
        this.heloName = heloName;
        this.metrics = metrics;
    }

    /** A session ready for MAIL FROM, or why there is none. */
    sealed interface Opened {
        record Ready(HopSession session) implements Opened {
        }

        /** @param explanation the hop's reply (e.g. a 421 greeting) or our own, with an enhanced code */
        record Failed(String explanation) implements Opened {
        }
    }

    Opened open(HopAddress hop, RouteConfig.TlsPolicy policy, QueueId queueId) {
        return open(hop, policy, queueId, false);
    }

    private Opened open(HopAddress hop, RouteConfig.TlsPolicy policy, QueueId queueId, boolean clearOnly) {
        metrics.connectionAttempt(hop);
        SmtpConnection connection;
        switch (SmtpConnection.connect(transport, hop, timeouts.connectTimeout(), metrics)) {
            case SmtpConnection.Attempt.Refused refused -> {
                return fail(hop, queueId, "connect", "connect_failed", refused.explanation());
            }
            case SmtpConnection.Attempt.Connected connected -> connection = connected.connection();
        }
        SmtpReply greeting = connection.read(timeouts.commandTimeout(), "greeting");
        if (greeting.code() != 220) {
            connection.quit();
            return fail(hop, queueId, "greeting", "greeting_failed", greeting.text());
        }
        Hello hello = hello(connection, hop.protocol());
        if (hello.refusal().isPresent()) {
            connection.quit();
            return fail(hop, queueId, "hello", "hello_failed", hello.refusal().get());
        }
        if (policy == RouteConfig.TlsPolicy.NONE || clearOnly) {
            return new Opened.Ready(new HopSession(connection, hello.extensions(), hop.protocol()));
        }
        boolean required = policy == RouteConfig.TlsPolicy.REQUIRED;
        if (!hello.extensions().startTls()) {
            metrics.tls(hop, "not_offered");
            if (required) {
                connection.quit();
                return fail(hop, queueId, "tls", "tls_required",
                        "4.7.4 TLS is required, but " + hop.relay() + " does not offer STARTTLS");
            }
            EventLog.info(log, queueId, "tls_not_offered", "relay", hop.relay(), "action", "continuing in clear text");
            return new Opened.Ready(new HopSession(connection, hello.extensions(), hop.protocol()));
        }
        connection.send("STARTTLS");
        SmtpReply ready = connection.read(timeouts.commandTimeout(), "STARTTLS");
        if (ready.code() != 220) {
            metrics.tls(hop, "refused");
            if (required) {
                connection.quit();
                return fail(hop, queueId, "tls", "tls_refused",
                        "4.7.4 TLS is required, but " + hop.relay() + " refused STARTTLS: " + ready.text());
            }
            if (!ready.fromPeer()) {
                return fail(hop, queueId, "tls", "tls_refused", ready.text());
            }
            EventLog.warn(log, queueId, "tls_refused", "relay", hop.relay(), "reply", ready.text(),
                    "action", "continuing in clear text");
            return new Opened.Ready(new HopSession(connection, hello.extensions(), hop.protocol()));
        }
        Optional<String> tlsProblem = connection.startTls(transport.tls(), timeouts.commandTimeout());
        if (tlsProblem.isPresent()) {
            metrics.tls(hop, "failed");
            if (required) {
                return fail(hop, queueId, "tls", "tls_failed",
                        "4.7.5 TLS handshake with " + hop.relay() + " failed: " + tlsProblem.get());
            }
            // The broken handshake leaves the connection useless; a new one without TLS keeps
            // the mail moving, as opportunistic TLS promises.
            EventLog.warn(log, queueId, "tls_failed", "relay", hop.relay(), "reason", tlsProblem.get(),
                    "action", "reconnecting in clear text");
            return open(hop, policy, queueId, true);
        }
        metrics.tls(hop, "established");
        Hello again = hello(connection, hop.protocol());
        if (again.refusal().isPresent()) {
            connection.quit();
            return fail(hop, queueId, "hello", "hello_failed", again.refusal().get());
        }
        return new Opened.Ready(new HopSession(connection, again.extensions(), hop.protocol()));
    }

    private record Hello(EhloExtensions extensions, Optional<String> refusal) {
    }

    private Hello hello(SmtpConnection connection, RouteConfig.Protocol protocol) {
        boolean lmtp = protocol == RouteConfig.Protocol.LMTP;
        String verb = lmtp ? "LHLO" : "EHLO";
        connection.send(verb + " " + heloName);
        SmtpReply reply = connection.read(timeouts.commandTimeout(), verb);
        if (reply.code() == 250) {
            return new Hello(EhloExtensions.parse(reply), Optional.empty());
        }
        if (lmtp || !reply.isPermanent()) {
            return new Hello(EhloExtensions.NONE, Optional.of(reply.text()));
        }
        // An old server that knows no ESMTP: plain SMTP still carries the mail.
        connection.send("HELO " + heloName);
        SmtpReply helo = connection.read(timeouts.commandTimeout(), "HELO");
        return helo.code() == 250
                ? new Hello(EhloExtensions.NONE, Optional.empty())
                : new Hello(EhloExtensions.NONE, Optional.of(helo.text()));
    }

    private Opened fail(HopAddress hop, QueueId queueId, String stage, String event, String explanation) {
        metrics.connectionFailure(hop, stage);
        EventLog.warn(log, queueId, event, "relay", hop.relay(), "reason", explanation);
        return new Opened.Failed(explanation);
    }
}
