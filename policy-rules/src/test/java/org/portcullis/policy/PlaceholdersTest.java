package org.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.policy.Inputs.message;

import org.junit.jupiter.api.Test;
import org.portcullis.filter.Finding;
import org.portcullis.filter.Verdict;

class PlaceholdersTest {

    private static String reply(String text, Inputs input) {
        Policy policy = Policies.parse("rules:\n  - name: the rule\n    then: { reject: \"" + text + "\" }\n");
        return ((Verdict.Reject) policy.decide(input.build()).verdict()).text();
    }

    @Test
    void fillsInFindings() {
        Inputs in = message().virus("Eicar-Signature").virus("Win.Trojan.Agent").spam(7.25)
                .report("dlp", new Finding.DataMatch("iban", "1", 2));
        assertThat(reply("{virus} / {spam.score} / {dlp.match}", in))
                .isEqualTo("Eicar-Signature, Win.Trojan.Agent / 7.25 / iban");
    }

    @Test
    void fillsInTheEnvelopeAndTheClient() {
        Inputs in = message().queueId("7QX2").from("alice@example.org").to("bob@example.com", "carol@example.com")
                .user("alice");
        assertThat(reply("{queue_id} {sender} -> {recipient} via {client.address} ({client.name}) as {client.user}", in))
                .isEqualTo("7QX2 alice@example.org -> bob@example.com, carol@example.com via 192.0.2.7 "
                        + "(mail.example.org) as alice");
        assertThat(reply("from {sender}", message().from(""))).isEqualTo("from <>");
    }

    @Test
    void fillsInHeadersPlugInFindingsAndTheRule() {
        Inputs in = message().report("subject", Finding.of("subject.match", "invoice"));
        assertThat(reply("{rule}: {finding.subject.match} in {header.Subject}", in))
                .isEqualTo("the rule: invoice in Hello");
    }

    @Test
    void saysUnknownForWhatIsNotThere() {
        assertThat(reply("score {spam.score}, virus {virus}", message())).isEqualTo("score unknown, virus unknown");
    }

    @Test
    void writesDoubledBracesAsBraces() {
        assertThat(reply("{{literal}} {sender}", message())).isEqualTo("{literal} alice@example.org");
    }

    @Test
    void keepsRepliesAndHeadersOnOnePrintableLineWhateverTheSenderSent() {
        Inputs hostile = message().report("x", Finding.of("x", "evil\r\n250 OK\u00e9"));
        assertThat(reply("bad: {finding.x}", hostile)).isEqualTo("bad: evil  250 OK?");
        Policy header = Policies.parse("rules:\n  - name: h\n    then: { add_header: \"X-Why: {finding.x}\" }\n");
        assertThat(header.decide(hostile.build()).actions()).containsExactly(new Action.AddHeader("X-Why", "evil  250 OK?"));
    }

    @Test
    void cutsLongValues() {
        Inputs longValue = message().report("x", Finding.of("x", "a".repeat(1000)));
        assertThat(reply("{finding.x}", longValue)).hasSize(200).endsWith("...");
    }

    @Test
    void fillsInQuarantineReasonsAndDisclaimers() {
        Policy policy = Policies.parse("""
                rules:
                  - name: note
                    then: { append_disclaimer: "Scanned for {sender}.\\nQueue id {queue_id}." }
                  - name: spam is held
                    when: { spam.score: { above: 15 } }
                    then: quarantine
                """);
        Decision d = policy.decide(message().queueId("Q1").spam(20).build());
        assertThat(d.verdict()).isEqualTo(new Verdict.Quarantine("held by policy rule 'spam is held'"));
        assertThat(d.actions()).containsExactly(new Action.AppendDisclaimer("Scanned for alice@example.org.\nQueue id Q1."));
    }
}
