package org.portcullis.gateway.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.filter.Connection;
import org.portcullis.filter.Direction;
import org.portcullis.filter.Envelope;
import org.portcullis.filter.Headers;
import org.portcullis.filter.MessageView;
import org.portcullis.filter.MimePart;
import org.portcullis.filter.Mutation;
import org.portcullis.gateway.config.ConfigException;
import org.portcullis.gateway.config.ConfigLoader;
import org.portcullis.gateway.relay.Cidr;

class FilterChainTest {

    @TempDir
    Path dir;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private FilterChain chain(String inbound) throws Exception {
        Path file = Files.writeString(dir.resolve("gw.yaml"), "listeners:\n  - address: 127.0.0.1:0\nfilters:\n"
                + "  inbound:\n" + inbound.indent(4));
        return FilterChain.build(new ConfigLoader(Cidr::parse).load(file).chain(), FilterCatalog.load(null), registry);
    }

    /** A message view with nothing in it: the scripted filters do not read the message. */
    private static MessageView message() throws Exception {
        Envelope envelope = new Envelope("0000000000A", Connection.of(InetAddress.getLoopbackAddress()),
                org.portcullis.filter.Address.parse("a@b.example"), Map.of(), List.of());
        return new MessageView() {
            public Envelope envelope() {
                return envelope;
            }

            public Headers headers() {
                return Headers.of(List.of());
            }

            public MimePart root() {
                throw new IllegalStateException("not used by these filters");
            }

            public long size() {
                return 0;
            }

            public InputStream openRaw() {
                return new ByteArrayInputStream(new byte[0]);
            }
        };
    }

    @Test
    void endOfMessageFiltersRunSideBySideButTheirMutationsComeInChainOrder() throws Exception {
        try (FilterChain chain = chain("""
                - type: scripted
                  name: slow
                  sleep: 0s
                  add_header: "X-First: 1"
                - type: scripted
                  name: fast
                  add_header: "X-Second: 2"
                  finding: "test.fact=seen"
                """); SessionFilters session = chain.openSession()) {
            StageOutcome outcome = session.endOfMessage(Direction.INBOUND, message()).get();
            assertThat(outcome.mutations()).containsExactly(new Mutation.AddHeader("X-First", "1"),
                    new Mutation.AddHeader("X-Second", "2"));
            assertThat(outcome.outcomes()).extracting(FilterOutcome::filter).containsExactly("slow", "fast");
            assertThat(registry.get("portcullis.filter.findings").tag("filter", "fast").counter().count()).isEqualTo(1);
            assertThat(registry.get("portcullis.filter.time").tag("filter", "slow").timer().count()).isEqualTo(1);
        }
    }

    @Test
    void aTimedOutFilterIsCountedAndTempfailsTheStage() throws Exception {
        try (FilterChain chain = chain("- type: scripted\n  sleep: 3s\n  timeout: 100ms\n");
             SessionFilters session = chain.openSession()) {
            var envelope = message().envelope();
            StageOutcome outcome = session.mailFrom(Direction.INBOUND, envelope).get();
            assertThat(outcome.strictest()).get().hasToString(
                    "Tempfail[code=451, enhancedCode=4.7.1, text=Message filter scripted is unavailable, try again later]");
            assertThat(registry.get("portcullis.filter.failures").tag("kind", "timeout").counter().count()).isEqualTo(1);
        }
    }

    @Test
    void aFilterThatOverrunsItsTimeoutAndIgnoresTheInterruptDoesNotHoldUpTheRestOfTheChain() throws Exception {
        try (FilterChain chain = chain("""
                - type: scripted
                  name: stuck
                  sleep: 3s
                  stubborn: true
                  timeout: 100ms
                  on_failure: accept
                - type: scripted
                  name: next
                  fail: true
                """); SessionFilters session = chain.openSession()) {
            long start = System.nanoTime();
            StageOutcome outcome = session.mailFrom(Direction.INBOUND, message().envelope()).get(2, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            // The stuck filter counts as failed (and, failing open, carries on); the next one was still asked.
            assertThat(outcome.outcomes()).extracting(FilterOutcome::filter).containsExactly("stuck", "next");
            assertThat(outcome.outcomes().get(0).failure()).hasValueSatisfying(f -> assertThat(f).contains("timed out"));
            assertThat(outcome.outcomes().get(1).failure()).hasValue("scripted failure");
            assertThat(registry.get("portcullis.filter.failures").tag("kind", "timeout").counter().count()).isEqualTo(1);
        }
    }

    @Test
    void aFilterPastItsTimeoutAtTheEndOfTheMessageDoesNotHoldUpTheOthersAnswers() throws Exception {
        try (FilterChain chain = chain("""
                - type: scripted
                  name: fast
                  add_header: "X-First: 1"
                - type: scripted
                  name: slow
                  sleep: 3s
                  timeout: 100ms
                """); SessionFilters session = chain.openSession()) {
            StageOutcome outcome = session.endOfMessage(Direction.INBOUND, message()).get(2, TimeUnit.SECONDS);
            assertThat(outcome.outcomes()).extracting(FilterOutcome::filter).containsExactly("fast", "slow");
            assertThat(outcome.mutations()).containsExactly(new Mutation.AddHeader("X-First", "1"));
        }
    }

    @Test
    void aMistakeInAFiltersSettingsNamesItsLine() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> chain("- type: scripted\n  verdict: maybe\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("gw.yaml:6")
                .hasMessageContaining("'verdict' must be quarantine, discard or reject");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> chain("- type: scripted\n  colour: red\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("gw.yaml:6")
                .hasMessageContaining("unknown setting 'filters.inbound[0].colour'");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> chain("- type: nosuch\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("gw.yaml:5")
                .hasMessageContaining("names no installed filter: 'nosuch'").hasMessageContaining("scripted");
    }
}
