package org.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.policy.Inputs.message;

import org.junit.jupiter.api.Test;
import org.portcullis.filter.Verdict;

class ClientConditionsTest {

    private static boolean holds(String when, Inputs input, String... extra) {
        return Policies.acceptWhen(when, extra).decide(input.build()).verdict() instanceof Verdict.Accept;
    }


    @Test
    void matchesIpv4Networks() {
        assertThat(holds("{ client.network: 192.0.2.0/24 }", message().client("192.0.2.200"))).isTrue();
        assertThat(holds("{ client.network: 192.0.2.0/24 }", message().client("192.0.3.1"))).isFalse();
        assertThat(holds("{ client.network: [ 10.0.0.0/8, 192.0.2.7 ] }", message().client("192.0.2.7"))).isTrue();
        assertThat(holds("{ client.network: 0.0.0.0/0 }", message().client("198.51.100.1"))).isTrue();
    }

    @Test
    void matchesIpv6NetworksAndKeepsTheFamiliesApart() {
        assertThat(holds("{ client.network: \"2001:db8::/32\" }", message().client("2001:db8:1::25"))).isTrue();
        assertThat(holds("{ client.network: \"2001:db8::/32\" }", message().client("2001:db9::1"))).isFalse();
        assertThat(holds("{ client.network: \"::/0\" }", message().client("192.0.2.7"))).isFalse();
    }

    @Test
    void testsTheAuthenticatedUser() {
        assertThat(holds("{ client.user: any }", message().user("alice"))).isTrue();
        assertThat(holds("{ client.user: any }", message())).isFalse();
        assertThat(holds("{ client.user: none }", message())).isTrue();
        assertThat(holds("{ client.user: [ alice, \"svc-*\" ] }", message().user("svc-backup"))).isTrue();
        assertThat(holds("{ client.user: [ alice, \"svc-*\" ] }", message().user("bob"))).isFalse();
    }

    @Test
    void testsTlsAndTrust() {
        assertThat(holds("{ client.tls: on }", message().tls())).isTrue();
        assertThat(holds("{ client.tls: on }", message())).isFalse();
        assertThat(holds("{ client.tls: off }", message())).isTrue();
        assertThat(holds("{ client.trusted: true }", message().trusted())).isTrue();
        assertThat(holds("{ client.trusted: yes }", message())).isFalse();
    }

    @Test
    void testsTheHeloAndReverseNames() {
        assertThat(holds("{ client.helo: .example.org }", message())).isTrue();
        assertThat(holds("{ client.name: \"*.dynamic.example.net\" }",
                message().reverseName("host-1-2.dynamic.example.net"))).isTrue();
        assertThat(holds("{ client.name: .example.org }", message().reverseName(null))).isFalse();
    }
}
