package org.portcullis.gateway.milter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.portcullis.filter.Address;
import org.portcullis.gateway.milter.MilterCommand.ClientAddress;

/** What the MTA says about its client and envelope, read into the filter API's values, without DNS. */
class MilterServerNamesTest {

    @Test
    void takesTheAddressFromConnectOrElseFromTheMacro() {
        assertThat(ClientNames.address(new ClientAddress('4', 25, "192.0.2.1"), Optional.empty()).getHostAddress())
                .isEqualTo("192.0.2.1");
        assertThat(ClientNames.address(new ClientAddress('6', 25, "2001:db8::1"), Optional.empty()).getHostAddress())
                .isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(ClientNames.address(ClientAddress.unknown(), Optional.of("[198.51.100.7]")).getHostAddress())
                .isEqualTo("198.51.100.7");
        assertThat(ClientNames.address(new ClientAddress('L', 0, "/run/x"), Optional.empty()).getHostAddress())
                .as("no one's network").isEqualTo("0.0.0.0");
        assertThat(ClientNames.literal("mx.example.org")).as("a name is never looked up").isEmpty();
    }

    @Test
    void theReverseNameIsTheVerifiedOneOnly() {
        assertThat(ClientNames.reverseName("client.example.org", Optional.of("client.example.org"), Optional.empty()))
                .contains("client.example.org");
        assertThat(ClientNames.reverseName("unknown", Optional.of("unknown"), Optional.empty()))
                .as("Postfix: the forward check failed").isEmpty();
        assertThat(ClientNames.reverseName("forged.example", Optional.of("forged.example"), Optional.of("FORGED")))
                .as("Sendmail's client_resolve").isEmpty();
        assertThat(ClientNames.reverseName("[192.0.2.1]", Optional.empty(), Optional.empty())).isEmpty();
        assertThat(ClientNames.reverseName("host.example", Optional.empty(), Optional.empty())).contains("host.example");
    }

    @Test
    void readsTlsAndTheEnvelope() {
        assertThat(ClientNames.tls(Optional.of("TLSv1.3"), Optional.of("TLS_AES_256_GCM_SHA384")))
                .contains("TLSv1.3 with cipher TLS_AES_256_GCM_SHA384");
        assertThat(ClientNames.tls(Optional.empty(), Optional.of("x"))).isEmpty();
        assertThat(ClientNames.path("<a@Sender.Example.org>")).isEqualTo(new Address("a", "Sender.Example.org"));
        assertThat(ClientNames.path("<>")).isEqualTo(Address.NULL);
        assertThat(ClientNames.path("<@relay.example:u@example.com>")).isEqualTo(new Address("u", "example.com"));
        assertThat(ClientNames.path("<postmaster>")).isEqualTo(new Address("postmaster", ""));
        assertThat(ClientNames.parameters(List.of("size=180", "BODY=8BITMIME", "SMTPUTF8")))
                .containsExactly(Map.entry("SIZE", "180"), Map.entry("BODY", "8BITMIME"), Map.entry("SMTPUTF8", ""));
    }

    @Test
    void macrosAreFoundWithOrWithoutBracesAndTheLatestWins() {
        ServerMacros macros = new ServerMacros();
        macros.put('C', Map.of("{client_addr}", "192.0.2.1", "j", "mta"));
        macros.put('M', Map.of("i", "AAA111", "{auth_authen}", "alice"));
        macros.put('E', Map.of("i", "BBB222"));
        assertThat(macros.get("client_addr")).contains("192.0.2.1");
        assertThat(macros.get("{j}")).contains("mta");
        assertThat(macros.get("i")).contains("BBB222");
        assertThat(macros.at('M', "i")).contains("AAA111");
        macros.clearMessage();
        assertThat(macros.get("i")).isEmpty();
        assertThat(macros.get("{client_addr}")).as("the connection's stay").contains("192.0.2.1");
        macros.clear();
        assertThat(macros.get("j")).isEmpty();
    }
}
