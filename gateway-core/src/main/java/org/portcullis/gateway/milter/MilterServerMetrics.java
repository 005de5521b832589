package org.portcullis.gateway.milter;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** The milter server's meters, {@code portcullis.milter.server.*}, one place for their names and tags. */
final class MilterServerMetrics {

    static final String CONNECTIONS = "portcullis.milter.server.connections";
    static final String ACTIVE = "portcullis.milter.server.connections.active";
    static final String COMMANDS = "portcullis.milter.server.commands";
    static final String DECISIONS = "portcullis.milter.server.decisions";
    static final String MODIFICATIONS = "portcullis.milter.server.modifications";
    static final String PROTOCOL_ERRORS = "portcullis.milter.server.protocol.errors";
    static final String TIMEOUTS = "portcullis.milter.server.timeouts";
    static final String LIMITS = "portcullis.milter.server.limits";
    static final String PROGRESS = "portcullis.milter.server.progress";
    static final String STAGE_TIME = "portcullis.milter.server.stage.time";

    private final MeterRegistry registry;
    final AtomicInteger active = new AtomicInteger();

    MilterServerMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder(ACTIVE, active, AtomicInteger::get).description("MTA connections open now").register(registry);
    }

    /** result: accepted, refused (over max_connections), closed. */
    void connection(String result) {
        Counter.builder(CONNECTIONS).description("MTA connections to the milter server, by result")
                .tag("result", result).register(registry).increment();
    }

    /** One command from the MTA; stage is a {@link Step#label()}, {@code macros}, {@code abort}, {@code quit}, … */
    void command(String stage) {
        Counter.builder(COMMANDS).description("Commands the MTA sent, by stage")
                .tag("stage", stage).register(registry).increment();
    }

    void decision(Step step, MilterResponse.Decision decision) {
        Counter.builder(DECISIONS).description("Decisions the milter server gave, by stage and response code")
                .tag("stage", step.label()).tag("decision", decision.label()).register(registry).increment();
    }

    void modification(MilterResponse.Modification modification) {
        Counter.builder(MODIFICATIONS).description("Modifications the milter server sent, by type")
                .tag("type", modification.label()).register(registry).increment();
    }

    /** what: the command (or {@code -}) whose packet broke the protocol. */
    void protocolError(String what) {
        Counter.builder(PROTOCOL_ERRORS).description("Packets from the MTA that broke the protocol")
                .tag("command", what).register(registry).increment();
    }

    /** Which of timeouts.negotiate, timeouts.idle or timeouts.write tripped. */
    void timeout(String timeout) {
        Counter.builder(TIMEOUTS).description("Waits on the MTA that ran out, by timeout setting")
                .tag("timeout", timeout).register(registry).increment();
    }

    /** max_connections or max_message_size tripped. */
    void limit(String limit) {
        Counter.builder(LIMITS).description("Milter server limits that tripped").tag("limit", limit)
                .register(registry).increment();
    }

    void progress(Step step) {
        Counter.builder(PROGRESS).description("'Still working' packets sent while a stage ran long")
                .tag("stage", step.label()).register(registry).increment();
    }

    void stageTime(Step step, Duration took) {
        Timer.builder(STAGE_TIME).description("Time from a command to the milter server's answer, by stage")
                .tag("stage", step.label()).register(registry).record(took);
    }
}
