package org.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.policy.Inputs.message;

import org.junit.jupiter.api.Test;
import org.portcullis.filter.Stage;
import org.portcullis.filter.Verdict;

class ExplanationTest {

    private final Policy policy = Policy.defaultPolicy();

    @Test
    void namesTheDecidingRuleAndTheFailingConditionOfEachOther() {
        Explanation e = policy.explain(message().spam(20).virus("Eicar-Signature")
                .attachment("3", "notes.txt", "text/plain", "text/plain").build());
        String text = e.text();
        assertThat(text).contains("Verdict: reject 554 5.7.1 Virus found: Eicar-Signature — decided by rule "
                + "'viruses are refused'");
        assertThat(text).contains("MATCHED: virus Eicar-Signature in part 2 was found");
        assertThat(text).contains("verdict: reject 554 5.7.1 Virus found: Eicar-Signature (this rule decides)");
        assertThat(text).contains("not reached: rule 'viruses are refused' decided first (it would have matched: "
                + "spam.score is 20, above 15)");
        assertThat(e.decision()).isEqualTo(policy.decide(message().spam(20).virus("Eicar-Signature")
                .attachment("3", "notes.txt", "text/plain", "text/plain").build()));
    }

    @Test
    void saysWhyARuleDidNotMatch() {
        String text = policy.explain(message().spam(3.5)
                .attachment("2", "report.pdf", "application/pdf", "application/pdf").build()).text();
        assertThat(text).contains("no match: no virus was found");
        assertThat(text).contains("no match: spam.score is 3.5, not above 15");
        assertThat(text).contains("no match: no attachment is of type $executables (seen: application/pdf "
                + "report.pdf in part 2)");
        assertThat(text).contains("Verdict: continue — no rule decided and no filter proposed a verdict; continue");
        assertThat(text).contains("Actions: none");
    }

    @Test
    void listsEveryFiltersFindingsAndProposals() {
        String text = policy.explain(message().spam(7).proposal("greylist", Verdict.tempfail("greylisted"))
                .build()).text();
        assertThat(text).contains("What the filters reported:\n  antispam: spam.score 7.00 [BAYES_99]\n"
                + "  greylist: nothing found\n            proposes tempfail 451 4.7.1 greylisted\n");
        assertThat(text).contains("Verdict: tempfail 451 4.7.1 greylisted — no rule decided; the strictest proposal "
                + "stands: tempfail 451 4.7.1 greylisted (proposed by greylist)");
        assertThat(text).contains("Note: the verdict refuses, so these actions do not apply");
    }

    @Test
    void showsTheActionsAndSkippedRules() {
        String text = policy.explain(message().outbound("x@elsewhere.example").spam(7).build()).text();
        assertThat(text).contains("Policy (default) config/policy.yaml (5 rules), stage END_OF_MESSAGE, outbound mail");
        assertThat(text).contains("skipped: it is for inbound mail, and this is outbound");
        String tagged = policy.explain(message().spam(7).build()).text();
        assertThat(tagged).contains("Actions:\n  - tag the subject with \"[SPAM]\"\n"
                + "  - add the header \"X-Spam-Flag: YES\"\n  - add the header \"X-Spam-Score: 7\"\n");
    }

    @Test
    void describesTheConnectionAndEnvelope() {
        String text = policy.explain(message().tls().user("alice").queueId("Q9").build()).text();
        assertThat(text).contains("Client: 192.0.2.7 (mail.example.org), HELO mail.example.org, TLS on (TLSv1.3 "
                + "with cipher TLS_AES_128_GCM_SHA256), authenticated as alice, trusted");
        assertThat(text).contains("Envelope: queue id Q9, from alice@example.org, to bob@example.com");
        assertThat(text).contains("Message: 2048 bytes, Subject 'Hello'");
        String early = policy.explain(message().at(Stage.CONNECT).build()).text();
        assertThat(early).contains("Envelope: none yet at CONNECT");
        assertThat(early).contains("What the filters reported: nothing");
    }

    @Test
    void explainsTheEmptyPolicy() {
        String text = Policy.empty().explain(message().build()).text();
        assertThat(text).contains("Rules: none (an empty policy: the filters' proposals stand)");
    }
}
