package org.portcullis.policy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.portcullis.filter.Envelope;
import org.portcullis.filter.Finding;
import org.portcullis.filter.Headers;
import org.portcullis.filter.Stage;
import org.portcullis.filter.testkit.Envelopes;
import org.portcullis.message.MessageLimits;
import org.portcullis.message.ParsedMessage;

/**
 * Rule evaluation: the shipped default policy (config/policy.yaml, as the gateway uses it when
 * no {@code policy:} is configured) deciding one message at END_OF_MESSAGE, and one recipient at
 * RCPT TO. The findings vary: none (every rule is tried and none fires), a virus (the first rule
 * ends it), a spam score of 20 (held), and an attachment disguised as a PDF. One operation is one
 * decision.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PolicyDecisionBenchmark {

    @Param({"clean", "virus", "spam", "disguised-exe"})
    String findings;

    private Policy policy;
    private PolicyInput endOfMessage;
    private PolicyInput rcpt;

    @Setup
    public void setUp() throws IOException {
        policy = Policy.defaultPolicy();
        Envelope envelope = Envelopes.from("sender@example.org").to("user@example.com").build();
        Headers headers;
        long size;
        Path corpus = Path.of(System.getProperty("corpus.dir", "../../test-corpus"), "clean-plain.eml");
        try (ParsedMessage parsed = ParsedMessage.parse(envelope, corpus, MessageLimits.DEFAULTS)) {
            headers = parsed.headers();
            size = parsed.size();
        }
        List<Report> reports = switch (findings) {
            case "clean" -> List.of(Report.of("clamav"), Report.of("rspamd", new Finding.Score("spam.score", 1.5,
                    List.of("MIME_GOOD"))));
            case "virus" -> List.of(Report.of("clamav", new Finding.Virus("Eicar-Test-Signature", "1")));
            case "spam" -> List.of(Report.of("clamav"), Report.of("rspamd", new Finding.Score("spam.score", 20.0,
                    List.of("GTUBE"))));
            case "disguised-exe" -> List.of(Report.of("attachment", new Finding.ContentType("2", "invoice.pdf",
                    "application/pdf", "application/x-dosexec")));
            default -> throw new IllegalArgumentException(findings);
        };
        endOfMessage = PolicyInput.atEndOfMessage(envelope, headers, size, reports);
        rcpt = PolicyInput.atRcptTo(envelope, envelope.recipients().get(0), List.of());
        if (endOfMessage.stage() != Stage.END_OF_MESSAGE) {
            throw new IllegalStateException("unexpected stage " + endOfMessage.stage());
        }
    }

    @Benchmark
    public Decision decideEndOfMessage() {
        return policy.decide(endOfMessage);
    }

    @Benchmark
    public Decision decideRcpt() {
        return policy.decide(rcpt);
    }
}
