package org.portcullis.filter.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.portcullis.filter.testkit.FilterHarness.config;
import static org.portcullis.filter.testkit.FilterHarness.corpus;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.portcullis.filter.Connection;
import org.portcullis.filter.Envelope;
import org.portcullis.filter.FilterConfig;
import org.portcullis.filter.FilterConfigException;
import org.portcullis.filter.FilterFactory;
import org.portcullis.filter.Finding;
import org.portcullis.filter.Headers;
import org.portcullis.filter.MailFilter;
import org.portcullis.filter.MessageView;
import org.portcullis.filter.Mutation;
import org.portcullis.filter.Recipient;
import org.portcullis.filter.Stage;
import org.portcullis.filter.StageResult;
import org.portcullis.filter.Verdict;

class FilterHarnessTest {

    private static final Envelope TWO = Envelopes.from("alice@example.org").to("bob@example.com", "carol@example.com").build();

    /** Notes every call: stage, and what it was given. */
    static final class Recorder implements MailFilter {
        final List<String> calls = new ArrayList<>();

        @Override
        public StageResult onConnect(Connection connection) {
            calls.add("connect helo=" + connection.helo().orElse("-"));
            return StageResult.proceed();
        }

        @Override
        public StageResult onHelo(Connection connection) {
            calls.add("helo " + connection.helo().orElseThrow());
            return StageResult.proceed();
        }

        @Override
        public StageResult onMailFrom(Envelope envelope) {
            calls.add("mail " + envelope.sender() + " rcpts=" + envelope.recipients().size());
            return StageResult.proceed();
        }

        @Override
        public StageResult onRcptTo(Envelope envelope, Recipient recipient) {
            calls.add("rcpt " + recipient.address() + " before=" + envelope.recipients().size());
            return StageResult.proceed();
        }

        @Override
        public StageResult onHeaders(Envelope envelope, Headers headers) {
            calls.add("headers " + headers.first("Subject").orElseThrow());
            return StageResult.proceed();
        }

        @Override
        public StageResult onEndOfMessage(MessageView message) {
            calls.add("eom rcpts=" + message.envelope().recipients().size());
            return StageResult.proceed();
        }
    }

    @Test
    void callsEveryStageInOrderWithTheTransactionSoFar() {
        Recorder recorder = new Recorder();
        var result = FilterHarness.run(recorder, corpus("clean-plain.eml"), TWO);
        assertThat(recorder.calls).containsExactly(
                "connect helo=-", "helo client.example", "mail alice@example.org rcpts=0",
                "rcpt bob@example.com before=0", "rcpt carol@example.com before=1",
                "headers Minutes of Friday's meeting", "eom rcpts=2");
        assertThat(result.verdict()).isEmpty();
        assertThat(result.stoppedAt()).isEmpty();
        assertThat(result.outcomes()).hasSize(7);
    }

    @Test
    void stopsAtARejectAsTheGatewayWould() {
        Recorder later = new Recorder();
        MailFilter rejecter = new MailFilter() {
            @Override
            public StageResult onMailFrom(Envelope envelope) {
                return StageResult.finding(Finding.of("sender.blocked", envelope.sender().toString()))
                        .withVerdict(Verdict.reject("sender blocked"));
            }
        };
        var result = FilterHarness.run(List.of(rejecter, later), corpus("clean-plain.eml"), TWO);
        assertThat(result.verdict()).containsInstanceOf(Verdict.Reject.class);
        assertThat(result.stoppedAt()).contains(Stage.MAIL_FROM);
        assertThat(result.stageOf("sender.blocked")).contains(Stage.MAIL_FROM);
        assertThat(later.calls).containsExactly("connect helo=-", "helo client.example");
    }

    @Test
    void aRejectAtRcptRefusesThatRecipientOnly() {
        Recorder later = new Recorder();
        MailFilter noCarol = new MailFilter() {
            @Override
            public StageResult onRcptTo(Envelope envelope, Recipient recipient) {
                return recipient.address().localPart().equals("carol")
                        ? StageResult.verdict(Verdict.reject("no such user")) : StageResult.proceed();
            }
        };
        var result = FilterHarness.run(List.of(noCarol, later), corpus("clean-plain.eml"), TWO);
        assertThat(result.refusedRecipients()).extracting(r -> r.address().toString()).containsExactly("carol@example.com");
        assertThat(result.acceptedRecipients()).extracting(r -> r.address().toString()).containsExactly("bob@example.com");
        assertThat(result.verdict()).isEmpty();
        assertThat(later.calls).contains("eom rcpts=1").doesNotContain("rcpt carol@example.com before=1");
    }

    @Test
    void endsTheTransactionWhenEveryRecipientIsRefused() {
        MailFilter nobody = new MailFilter() {
            @Override
            public StageResult onRcptTo(Envelope envelope, Recipient recipient) {
                return StageResult.verdict(Verdict.tempfail("try later"));
            }
        };
        var result = FilterHarness.run(nobody, corpus("clean-plain.eml"), TWO);
        assertThat(result.stoppedAt()).contains(Stage.RCPT_TO);
        assertThat(result.verdict()).containsInstanceOf(Verdict.Tempfail.class);
    }

    @Test
    void anAcceptSkipsTheLaterFiltersOfThatStage() {
        Recorder later = new Recorder();
        MailFilter whitelist = new MailFilter() {
            @Override
            public StageResult onEndOfMessage(MessageView message) {
                return StageResult.verdict(new Verdict.Accept());
            }
        };
        var result = FilterHarness.run(List.of(whitelist, later), corpus("clean-plain.eml"), TWO);
        assertThat(later.calls).doesNotContain("eom rcpts=2").contains("headers Minutes of Friday's meeting");
        assertThat(result.verdict()).containsInstanceOf(Verdict.Accept.class);
    }

    @Test
    void theStrictestProposalStandsWhenNothingStopped() {
        MailFilter quarantine = new MailFilter() {
            @Override
            public StageResult onHeaders(Envelope envelope, Headers headers) {
                return StageResult.verdict(Verdict.quarantine("looks odd"));
            }
        };
        MailFilter accept = new MailFilter() {
            @Override
            public StageResult onEndOfMessage(MessageView message) {
                return StageResult.verdict(new Verdict.Accept());
            }
        };
        var result = FilterHarness.run(List.of(quarantine, accept), corpus("clean-plain.eml"), TWO);
        assertThat(result.verdict()).contains(Verdict.quarantine("looks odd"));
    }

    @Test
    void appliesTheMutationsInChainOrder() {
        MailFilter first = new MailFilter() {
            @Override
            public StageResult onEndOfMessage(MessageView message) {
                return StageResult.mutation(new Mutation.ChangeHeader("Subject", 1, "first"),
                        new Mutation.AddHeader("X-First", "1"));
            }
        };
        MailFilter second = new MailFilter() {
            @Override
            public StageResult onEndOfMessage(MessageView message) {
                return StageResult.mutation(new Mutation.ChangeHeader("Subject", 1, "second"));
            }
        };
        var result = FilterHarness.run(List.of(first, second), corpus("clean-plain.eml"), TWO);
        assertThat(result.mutations()).hasSize(3);
        assertThat(result.message().headers().first("Subject")).contains("second");
        assertThat(result.message().headers().first("X-First")).contains("1");
        assertThat(new String(result.bytes(), StandardCharsets.US_ASCII)).contains("\r\nSubject: second\r\n");
        assertThat(result.notApplied()).isEmpty();
    }

    @Test
    void usesAndClosesSessionInstances() {
        AtomicInteger closed = new AtomicInteger();
        List<MailFilter> sessions = new ArrayList<>();
        MailFilter shared = new MailFilter() {
            @Override
            public MailFilter forSession() {
                MailFilter session = new MailFilter() {
                    @Override
                    public StageResult onEndOfMessage(MessageView message) {
                        return StageResult.finding(Finding.of("session", "yes"));
                    }

                    @Override
                    public void close() {
                        closed.incrementAndGet();
                    }
                };
                sessions.add(session);
                return session;
            }
        };
        var result = FilterHarness.run(shared, corpus("clean-plain.eml"));
        assertThat(result.findingNames()).containsExactly("session");
        assertThat(sessions).hasSize(1);
        assertThat(closed).hasValue(1);
    }

    @Test
    void readsAFilterConfigFromYaml() throws FilterConfigException {
        FilterConfig c = config("""
                match: (?i)invoice
                limit: 10
                domains: [example.org, example.net]
                scanner:
                  timeout: 30s
                """);
        assertThat(c.pattern("match").matcher("Your INVOICE").find()).isTrue();
        assertThat(c.integer("limit", 0, 0, 100)).isEqualTo(10);
        assertThat(c.strings("domains")).containsExactly("example.org", "example.net");
        assertThat(c.section("scanner").duration("timeout", null)).hasSeconds(30);
        assertThat(c.unreadKeys()).isEmpty();
    }

    @Test
    void createRefusesSettingsTheFactoryNeverRead() {
        FilterFactory factory = new FilterFactory() {
            @Override
            public String type() {
                return "reads-nothing";
            }

            @Override
            public MailFilter create(FilterConfig config) {
                return new MailFilter() {
                };
            }
        };
        assertThatThrownBy(() -> FilterHarness.create(factory, "mtach: x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mtach");
    }

    @Test
    void findsCorpusFilesAndNamesTheOnesThereAreWhenOneIsMissing() {
        assertThat(corpus("gtube.eml")).exists().hasFileName("gtube.eml");
        assertThatThrownBy(() -> corpus("no-such.eml")).hasMessageContaining("gtube.eml");
    }

    @Test
    void buildsEnvelopes() {
        Envelope e = Envelopes.from("a@b.example").to("c@d.example").client("198.51.100.7").helo("mx.b.example")
                .parameter("size", "1234").outbound().build();
        assertThat(e.sender().toString()).isEqualTo("a@b.example");
        assertThat(e.connection().address().getHostAddress()).isEqualTo("198.51.100.7");
        assertThat(e.connection().trusted()).isTrue();
        assertThat(e.declaredSize()).contains(1234L);
        assertThat(e.direction()).isEqualTo(org.portcullis.filter.Direction.OUTBOUND);
        assertThatThrownBy(() -> Envelopes.from("a@b.example").to("c@d.example").client("mail.example").build())
                .hasMessageContaining("literal");
    }

    @Test
    void reportsWhatTheParserNoted() {
        var result = FilterHarness.run(new MailFilter() {
        }, corpus("malformed-missing-end-boundary.eml"));
        assertThat(result.parseProblems()).isNotEmpty();
        assertThat(result.findings()).isEmpty();
    }
}
