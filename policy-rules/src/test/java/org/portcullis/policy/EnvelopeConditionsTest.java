package org.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.policy.Inputs.message;

import org.junit.jupiter.api.Test;
import org.portcullis.filter.Direction;
import org.portcullis.filter.Stage;
import org.portcullis.filter.Verdict;

class EnvelopeConditionsTest {

    private static boolean holds(String when, Inputs input, String... extra) {
        return Policies.acceptWhen(when, extra).decide(input.build()).verdict() instanceof Verdict.Accept;
    }


    @Test
    void matchesSenderAddressesExactlyAndWithoutCase() {
        assertThat(holds("{ sender: alice@example.org }", message().from("Alice@Example.ORG"))).isTrue();
        assertThat(holds("{ sender: alice@example.org }", message().from("alicia@example.org"))).isFalse();
    }

    @Test
    void matchesADomainEntryAgainstTheSendersDomain() {
        assertThat(holds("{ sender: example.org }", message().from("anyone@example.org"))).isTrue();
        assertThat(holds("{ sender: example.org }", message().from("anyone@mail.example.org"))).isFalse();
    }

    @Test
    void matchesSubdomainsWithALeadingDotButNotTheDomainItself() {
        String when = "{ sender.domain: .example.org }";
        assertThat(holds(when, message().from("a@mail.example.org"))).isTrue();
        assertThat(holds(when, message().from("a@x.y.example.org"))).isTrue();
        assertThat(holds(when, message().from("a@example.org"))).isFalse();
        assertThat(holds(when, message().from("a@badexample.org"))).isFalse();
    }

    @Test
    void matchesGlobsAndRegularExpressions() {
        assertThat(holds("{ sender: \"*-bounces@*\" }", message().from("list-bounces@lists.example.net"))).isTrue();
        assertThat(holds("{ sender: \"*-bounces@*\" }", message().from("list@lists.example.net"))).isFalse();
        assertThat(holds("{ sender: \"/^[0-9]+@/\" }", message().from("12345@example.net"))).isTrue();
        assertThat(holds("{ sender: \"/^[0-9]+@/\" }", message().from("a12345@example.net"))).isFalse();
        assertThat(holds("{ sender.domain: \"*.example.net\" }", message().from("a@mx.example.net"))).isTrue();
    }

    @Test
    void matchesTheNullSenderOfBounces() {
        assertThat(holds("{ sender: \"<>\" }", message().from(""))).isTrue();
        assertThat(holds("{ sender: \"<>\" }", message())).isFalse();
        assertThat(holds("{ sender.domain: example.org }", message().from(""))).isFalse();
    }

    @Test
    void matchesAnyRecipientOfTheMessage() {
        Inputs in = message().to("carol@example.com", "dave@partner.example");
        assertThat(holds("{ recipient.domain: partner.example }", in)).isTrue();
        assertThat(holds("{ recipient: dave@partner.example }", in)).isTrue();
        assertThat(holds("{ recipient: erin@partner.example }", in)).isFalse();
    }

    @Test
    void looksOnlyAtTheRecipientBeingGivenAtRcptTo() {
        Inputs in = message().at(Stage.RCPT_TO).giving("sales@example.com", Direction.INBOUND);
        assertThat(holds("{ recipient: sales@example.com }", in, "stage: rcpt_to")).isTrue();
        assertThat(holds("{ recipient: bob@example.com }", in, "stage: rcpt_to")).isFalse();
    }

    @Test
    void expandsNamedGroupsOfAddressesAndDomains() {
        Policy policy = Policies.parse("""
                groups:
                  partners: [ partner.example, .supplier.example, ceo@example.net ]
                rules:
                  - name: partners are accepted
                    when: { sender: $partners }
                    then: accept
                """);
        assertThat(policy.decide(message().from("x@partner.example").build()).verdict())
                .isInstanceOf(Verdict.Accept.class);
        assertThat(policy.decide(message().from("x@eu.supplier.example").build()).verdict())
                .isInstanceOf(Verdict.Accept.class);
        assertThat(policy.decide(message().from("ceo@example.net").build()).verdict())
                .isInstanceOf(Verdict.Accept.class);
        assertThat(policy.decide(message().from("cfo@example.net").build()).verdict())
                .isInstanceOf(Verdict.Continue.class);
    }
}
