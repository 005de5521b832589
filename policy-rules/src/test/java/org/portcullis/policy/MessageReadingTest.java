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
}
