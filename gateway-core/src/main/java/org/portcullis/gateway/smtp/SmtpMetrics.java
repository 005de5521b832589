package org.portcullis.gateway.smtp;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** The SMTP server's meters, registered once; sessions only increment. */
final class SmtpMetrics {

    /** Every limit of the SMTP server, as the {@code limit} tag of {@code portcullis.smtp.limit}. */
    enum Limit {
        LINE_LENGTH, HEADER_SIZE, MESSAGE_SIZE, RECIPIENTS, CONNECTIONS, COMMANDS, ERRORS,
        GREETING_TIMEOUT, COMMAND_TIMEOUT, DATA_TIMEOUT, SESSION_TIMEOUT
    }

    final AtomicInteger activeSessions = new AtomicInteger();
    private final Map<Limit, Counter> limits = new EnumMap<>(Limit.class);
    private final Counter sessions;
    private final Counter replies2xx;
    private final Counter replies4xx;
    private final Counter replies5xx;
    final Counter messagesAccepted;
    final Counter bytesReceived;
    final Counter bareLineEnds;
    final Counter discardedAfterStartTls;
    final Counter authSuccess;
    final Counter authFailure;
    final Counter tlsHandshakeFailures;
    final Counter spoolFailures;
    final Timer commit;

    SmtpMetrics(MeterRegistry registry) {
        Gauge.builder("portcullis.smtp.sessions.active", activeSessions, AtomicInteger::get)
                .description("SMTP sessions open now").register(registry);
        sessions = Counter.builder("portcullis.smtp.sessions").description("SMTP sessions accepted").register(registry);
        for (Limit limit : Limit.values()) {
            limits.put(limit, Counter.builder("portcullis.smtp.limit")
                    .description("Times a limit of the SMTP server tripped")
                    .tag("limit", limit.name().toLowerCase(Locale.ROOT)).register(registry));
        }
        replies2xx = reply(registry, "2xx");
        replies4xx = reply(registry, "4xx");
        replies5xx = reply(registry, "5xx");
        messagesAccepted = Counter.builder("portcullis.smtp.messages.accepted")
                .description("Messages answered with 250 queued").register(registry);
        bytesReceived = Counter.builder("portcullis.smtp.bytes.received").baseUnit("bytes")
                .description("Message content received in accepted messages").register(registry);
        bareLineEnds = Counter.builder("portcullis.smtp.bare_line_ends")
                .description("Bare CR or LF in message content, normalised to CRLF").register(registry);
        discardedAfterStartTls = Counter.builder("portcullis.smtp.starttls.discarded")
                .description("Sessions that pipelined bytes after STARTTLS (thrown away)").register(registry);
        authSuccess = Counter.builder("portcullis.smtp.auth").tag("result", "success").register(registry);
        authFailure = Counter.builder("portcullis.smtp.auth").tag("result", "failure").register(registry);
        tlsHandshakeFailures = Counter.builder("portcullis.smtp.tls.handshake.failures").register(registry);
        spoolFailures = Counter.builder("portcullis.smtp.spool.failures")
                .description("Messages answered 452 4.3.1 because the spool could not take them").register(registry);
        commit = Timer.builder("portcullis.smtp.commit")
                .description("From the end of data to the 250 reply (spool fsync)").register(registry);
    }

    private static Counter reply(MeterRegistry registry, String kind) {
        return Counter.builder("portcullis.smtp.replies").tag("class", kind).register(registry);
    }

    void sessionStarted() {
        sessions.increment();
    }

    void limit(Limit limit) {
        limits.get(limit).increment();
    }

    void reply(int code) {
        (code < 400 ? replies2xx : code < 500 ? replies4xx : replies5xx).increment();
    }
}
