package org.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.policy.Inputs.message;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.portcullis.filter.Verdict;

/** The policy shipped as config/policy.yaml loads and does what its comments say. */
class DefaultPolicyTest {

    private static final Path FILE = Path.of("..", "config", "policy.yaml");

    private final Policy policy = Policy.defaultPolicy();

    @Test
    void theFileOnDiskLoadsAndIsTheOneInTheJar() throws PolicyException {
        assertThat(Policy.load(FILE).ruleNames()).isEqualTo(policy.ruleNames()).isNotEmpty();
    }

    @Test
    void refusesVirusesWithAPermanentReplyNamingTheSignature() {
        Decision d = policy.decide(message().virus("Eicar-Signature").spam(20).build());
        assertThat(d.verdict()).isEqualTo(new Verdict.Reject(554, "5.7.1", "Virus found: Eicar-Signature"));
        assertThat(d.decidingRule()).contains("viruses are refused");
    }

    @Test
    void tagsLikelySpam() {
        Decision d = policy.decide(message().spam(7).build());
        assertThat(d.verdict()).isEqualTo(new Verdict.Continue());
        assertThat(d.actions()).containsExactly(new Action.TagSubject("[SPAM]"),
                new Action.AddHeader("X-Spam-Flag", "YES"), new Action.AddHeader("X-Spam-Score", "7"));
    }

    @Test
    void quarantinesObviousSpamEitherWay() {
        assertThat(policy.decide(message().spam(20).build()).verdict()).isEqualTo(new Verdict.Quarantine("spam score 20"));
        assertThat(policy.decide(message().outbound("x@elsewhere.example").spam(20.5).build()).verdict())
                .isEqualTo(new Verdict.Quarantine("spam score 20.5"));
    }

    @Test
    void doesNotTagOutboundMail() {
        assertThat(policy.decide(message().outbound("x@elsewhere.example").spam(7).build()).actions()).isEmpty();
    }

    @Test
    void leavesCleanMailAlone() {
        Decision d = policy.decide(message().spam(1.5)
                .attachment("2", "report.pdf", "application/pdf", "application/pdf").build());
        assertThat(d.verdict()).isEqualTo(new Verdict.Continue());
        assertThat(d.actions()).isEmpty();
    }

    @Test
    void refusesAProgramDisguisedAsADocument() {
        Decision d = policy.decide(message()
                .attachment("2", "invoice.pdf", "application/pdf", "application/x-dosexec").build());
        assertThat(d.verdict()).isInstanceOf(Verdict.Reject.class);
        assertThat(((Verdict.Reject) d.verdict()).text()).contains("invoice.pdf").contains("disguised");
    }

    @Test
    void stripsAProgramSentOpenlyOrAsUnknownBytes() {
        Decision declared = policy.decide(message()
                .attachment("2", "setup.exe", "application/x-msdownload", "application/x-dosexec").build());
        assertThat(declared.verdict()).isEqualTo(new Verdict.Continue());
        assertThat(declared.actions()).singleElement().isInstanceOfSatisfying(Action.StripAttachments.class,
                s -> assertThat(s.parts()).isEqualTo(List.of("2")));
        Decision unknown = policy.decide(message()
                .attachment("3", "tool", "application/octet-stream", "application/x-dosexec").build());
        assertThat(unknown.actions()).singleElement().isInstanceOf(Action.StripAttachments.class);
    }

    @Test
    void letsAFiltersProposalStandWhereNoRuleSpeaks() {
        Decision d = policy.decide(message().proposal("flow", Verdict.tempfail("rate limit")).build());
        assertThat(d.verdict()).isEqualTo(Verdict.tempfail("rate limit"));
    }
}
