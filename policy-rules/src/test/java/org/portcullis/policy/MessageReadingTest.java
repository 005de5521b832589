package org.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Whether the policy needs the message read when no filter reported anything. */
class MessageReadingTest {

    @Test
    void theShippedPolicyActsOnlyOnFindingsSoAGatewayWithoutFiltersNeedNotReadMessages() {
        assertThat(Policy.defaultPolicy().readsMessagesWithoutFindings()).isFalse();
        assertThat(Policy.empty().readsMessagesWithoutFindings()).isFalse();
    }

    @Test
    void rulesOnHeadersSizesAndTheAbsenceOfFindingsNeedTheMessage() {
        assertThat(Policies.parse("""
                rules:
                  - name: big
                    when: { size: { above: 10m } }
                    then: { add_header: "X-Big: yes" }
                """).readsMessagesWithoutFindings()).isTrue();
        assertThat(Policies.parse("""
                rules:
                  - name: clean mail is marked
                    when: { not: { virus: any } }
                    then: { add_header: "X-Scanned: clean" }
                """).readsMessagesWithoutFindings()).isTrue();
        assertThat(Policies.parse("""
                rules:
                  - name: broken mime is held
                    when: { finding: mime.malformed }
                    then: { quarantine: "broken MIME" }
                """).readsMessagesWithoutFindings()).isTrue();
    }

    @Test
    void rulesBeforeTheDataDoNotCount() {
        assertThat(Policies.parse("""
                rules:
                  - name: a bad network
                    stage: connect
                    when: { client.network: 203.0.113.0/24 }
                    then: { reject: "554 5.7.1 Not from there" }
                """).readsMessagesWithoutFindings()).isFalse();
    }

    @Test
    void onlyRulesOnTheParsersFindingsNeedTheMimeTree() {
        assertThat(Policy.defaultPolicy().readsParseFindings()).isFalse();
        assertThat(Policies.parse("""
                rules:
                  - name: big
                    when: { size: { above: 10m } }
                    then: { add_header: "X-Big: yes" }
                """).readsParseFindings()).isFalse();
        assertThat(Policies.parse("""
                rules:
                  - name: broken mime from outside is held
                    when:
                      all:
                        - client.network: 192.0.2.0/24
                        - not: { finding: [virus.found, mime.malformed] }
                    then: { quarantine: "broken MIME" }
                """).readsParseFindings()).isTrue();
        assertThat(Policies.parse("""
                rules:
                  - name: a limit tripped, before the data
                    stage: rcpt_to
                    when: { finding: mime.limit }
                    then: { reject: "554 5.7.1 No" }
                """).readsParseFindings()).isFalse();
    }
}
