package org.portcullis.gateway.milter;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/** The meters of one milter, one place for their names and tags; every meter is tagged {@code milter}. */
final class MilterMetrics {

    static final String CONNECTIONS = "portcullis.milter.connections";
    static final String COMMANDS = "portcullis.milter.commands";
    static final String DECISIONS = "portcullis.milter.decisions";
    static final String MODIFICATIONS = "portcullis.milter.modifications";
    static final String TIMEOUTS = "portcullis.milter.timeouts";
    static final String PROTOCOL_ERRORS = "portcullis.milter.protocol.errors";
    static final String FAILURES = "portcullis.milter.failures";
    static final String STAGE_TIME = "portcullis.milter.stage.time";

    private final MeterRegistry registry;
    private final String milter;

    MilterMetrics(MeterRegistry registry, String milter) {
        this.registry = registry;
        this.milter = milter;
    }

    /** result: opened, refused (nothing listening), timeout, or rejected (negotiation failed). */
    void connection(String result) {
        Counter.builder(CONNECTIONS).description("Connections to a milter, by result")
                .tag("milter", milter).tag("result", result).register(registry).increment();
    }

    /** One command sent; stage is a {@link Step#label()}, {@code macros}, {@code abort} or {@code quit}. */
    void command(String stage) {
        Counter.builder(COMMANDS).description("Commands sent to a milter, by stage")
                .tag("milter", milter).tag("stage", stage).register(registry).increment();
    }

    void decision(Step step, MilterResponse.Decision decision) {
        Counter.builder(DECISIONS).description("Decisions a milter gave, by stage and response code")
                .tag("milter", milter).tag("stage", step.label()).tag("decision", decision.label())
                .register(registry).increment();
    }

    void modification(MilterResponse.Modification modification) {
        Counter.builder(MODIFICATIONS).description("Modifications a milter asked for, by type")
                .tag("milter", milter).tag("type", modification.label()).register(registry).increment();
    }

    /** Which of timeouts.connect, timeouts.command or timeouts.content tripped, at which stage. */
    void timeout(String stage, String timeout) {
        Counter.builder(TIMEOUTS).description("Milter waits that ran out, by stage and timeout setting")
                .tag("milter", milter).tag("stage", stage).tag("timeout", timeout).register(registry).increment();
    }

    void protocolError(String stage) {
        Counter.builder(PROTOCOL_ERRORS).description("Replies that broke the milter protocol, by stage")
                .tag("milter", milter).tag("stage", stage).register(registry).increment();
    }

    /** Any failure that left a stage without an answer, by reason (unreachable, timeout, protocol_error, …). */
    void failure(String stage, MilterUnavailableException.Reason reason) {
        Counter.builder(FAILURES).description("Stages a milter could not answer, by reason")
                .tag("milter", milter).tag("stage", stage)
                .tag("reason", reason.name().toLowerCase(java.util.Locale.ROOT)).register(registry).increment();
    }

    /** From sending a step's command to its decision, progress included. */
    void stageTime(Step step, Duration took) {
        Timer.builder(STAGE_TIME).description("Time a milter took to answer one step, by stage")
                .tag("milter", milter).tag("stage", step.label()).register(registry).record(took);
    }
}
