package org.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.policy.Inputs.message;

import org.junit.jupiter.api.Test;
import org.portcullis.filter.Verdict;

class CombinationsTest {

    private static boolean holds(String when, Inputs input, String... extra) {
        return Policies.acceptWhen(when, extra).decide(input.build()).verdict() instanceof Verdict.Accept;
    }


    @Test
    void requiresEveryEntryOfAMapping() {
        String when = "{ sender.domain: example.org, spam.score: { above: 5 } }";
        assertThat(holds(when, message().spam(6))).isTrue();
        assertThat(holds(when, message().from("a@example.net").spam(6))).isFalse();
    }

    @Test
    void combinesWithAllAnyAndNot() {
        String any = "{ any: [ { virus: any }, { spam.score: { above: 10 } } ] }";
        assertThat(holds(any, message().spam(11))).isTrue();
        assertThat(holds(any, message().virus("Eicar-Signature"))).isTrue();
        assertThat(holds(any, message().spam(9))).isFalse();
        String all = "{ all: [ { client.tls: on }, { not: { client.user: none } } ] }";
        assertThat(holds(all, message().tls().user("alice"))).isTrue();
        assertThat(holds(all, message().tls())).isFalse();
        assertThat(holds("{ not: { sender.domain: example.org } }", message())).isFalse();
    }

    @Test
    void matchesEveryTimeWithoutConditions() {
        Policy policy = Policies.parse("rules:\n  - name: all mail\n    then: { add_header: \"X-Seen: yes\" }\n");
        assertThat(policy.decide(message().build()).actions())
                .containsExactly(new Action.AddHeader("X-Seen", "yes"));
    }
}
