package org.portcullis.gateway.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.portcullis.gateway.config.RelayConfig;
import org.portcullis.gateway.envelope.MailAddress;
import org.portcullis.gateway.relay.RelayDecision.Accept;
import org.portcullis.gateway.relay.RelayDecision.Direction;
import org.portcullis.gateway.relay.RelayDecision.Refuse;

class ConfiguredRelayControlTest {

    private static final InetAddress STRANGER = ip("203.0.113.9");
    private static final InetAddress STRANGER_V6 = ip("2001:db8:bad::9");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ConfiguredRelayControl relay = new ConfiguredRelayControl(
            new RelayConfig(List.of("example.com", ".example.net", "b\u00FCcher.example"),
                    List.of("10.0.0.0/8", "2001:db8:1::/48")),
            "mx.example.org", true, registry);
    private final SmtpPathParser parser = new SmtpPathParser("mx.example.org", new SimpleMeterRegistry());

    @Test
    void acceptsMailForAnAcceptedDomainFromAStrangerAsInbound() {
        assertThat(relay.checkRecipient(address("user@example.com"), STRANGER, null))
                .isEqualTo(new Accept(Direction.INBOUND));
    }

    @Test
    void refusesMailForAnotherDomainFromAStranger() {
        assertThat(relay.checkRecipient(address("user@other.example"), STRANGER, null))
                .isEqualTo(new Refuse(554, "5.7.1", "<user@other.example>: Relay access denied"));
        assertThat(relay.checkRecipient(address("user@other.example"), STRANGER_V6, null))
                .isInstanceOf(Refuse.class);
    }

    @Test
    void relaysOutboundForATrustedIpv4Client() {
        assertThat(relay.checkRecipient(address("user@other.example"), ip("10.20.30.40"), null))
                .isEqualTo(new Accept(Direction.OUTBOUND));
    }

    @Test
    void relaysOutboundForATrustedIpv6Client() {
        assertThat(relay.checkRecipient(address("user@other.example"), ip("2001:db8:1:ffff::1"), null))
                .isEqualTo(new Accept(Direction.OUTBOUND));
        assertThat(relay.checkRecipient(address("user@other.example"), ip("2001:db8:2::1"), null))
                .isInstanceOf(Refuse.class);
    }

    @Test
    void relaysOutboundForATrustedClientSeenAsIpv4MappedIpv6() throws UnknownHostException {
        InetAddress trusted = Inet6Address.getByAddress(null, mapped(10, 1, 2, 3), -1);
        InetAddress stranger = Inet6Address.getByAddress(null, mapped(203, 0, 113, 9), -1);

        assertThat(relay.checkRecipient(address("user@other.example"), trusted, null))
                .isEqualTo(new Accept(Direction.OUTBOUND));
        assertThat(relay.checkRecipient(address("user@other.example"), stranger, null))
                .isInstanceOf(Refuse.class);
    }

    @Test
    void relaysOutboundForAnAuthenticatedUserFromAnywhere() {
        assertThat(relay.checkRecipient(address("user@other.example"), STRANGER, "alice"))
                .isEqualTo(new Accept(Direction.OUTBOUND));
        assertThat(relay.checkRecipient(address("user@other.example"), STRANGER, ""))
                .as("an empty user name is no authentication")
                .isInstanceOf(Refuse.class);
    }

    @ParameterizedTest
    @CsvSource({
            "user@example.net, true",
            "user@mail.example.net, true",
            "user@a.b.example.net, true",
            "user@EXAMPLE.NET, true",
            "user@evilexample.net, false",
            "user@example.net.evil.example, false",
            "user@sub.example.com, false",
            "user@example.com.evil.example, false",
            "user@xample.com, false",
    })
    void coversSubdomainsOnlyForADotEntry(String recipient, boolean inbound) {
        RelayDecision decision = relay.checkRecipient(address(recipient), STRANGER, null);

        assertThat(decision).isEqualTo(inbound ? new Accept(Direction.INBOUND)
                : new Refuse(554, "5.7.1", "<" + recipient + ">: Relay access denied"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com.", "EXAMPLE.COM.", "example.com..", ".example.com", "sub.example.net.",
            "exa\u200Bmple.com", "ex\u0430mple.com", "\uFF45xample.com"})
    void spellingVariantsOfAnAcceptedDomainDoNotOpenTheRelay(String domain) {
        // The parser refuses these; relay control must not be fooled by them either.
        RelayDecision decision = relay.checkRecipient(new MailAddress("user", domain), STRANGER, null);

        assertThat(decision).isInstanceOf(Refuse.class);
    }

    @Test
    void comparesDomainsCaseInsensitively() {
        assertThat(relay.checkRecipient(new MailAddress("User", "Example.COM"), STRANGER, null))
                .isEqualTo(new Accept(Direction.INBOUND));
    }

    @Test
    void matchesAnInternationalDomainInEitherSpelling() {
        assertThat(relay.checkRecipient(address("user@b\u00FCcher.example"), STRANGER, null))
                .isEqualTo(new Accept(Direction.INBOUND));
        assertThat(relay.checkRecipient(address("user@xn--bcher-kva.example"), STRANGER, null))
                .isEqualTo(new Accept(Direction.INBOUND));
        assertThat(relay.checkRecipient(address("user@bucher.example"), STRANGER, null))
                .isInstanceOf(Refuse.class);
    }

    @Test
    void acceptsBarePostmasterFromAStranger() {
        PathResult.Parsed parsed = (PathResult.Parsed) parser.parseForwardPath("<Postmaster>", false);

        assertThat(relay.checkRecipient(parsed.address(), STRANGER, null)).isEqualTo(new Accept(Direction.INBOUND));
        assertThat(relay.checkRecipient(address("root@mx.example.org"), STRANGER, null))
                .as("only postmaster is reachable at the host name")
                .isInstanceOf(Refuse.class);
    }

    @Test
    void decidesOnWhatTheParserPassesOn() {
        PathResult.Parsed parsed = (PathResult.Parsed) parser.parseForwardPath("<User@EXAMPLE.com>", false);

        assertThat(relay.checkRecipient(parsed.address(), STRANGER, null)).isEqualTo(new Accept(Direction.INBOUND));
        assertThat(parser.parseForwardPath("<user@example.com.>", false)).isInstanceOf(PathResult.Rejected.class);
        assertThat(parser.parseForwardPath("<user%other.example@example.com>", false))
                .isInstanceOf(PathResult.Rejected.class);
    }

    @Test
    void countsRefusedRelayAttempts() {
        relay.checkRecipient(address("a@other.example"), STRANGER, null);
        relay.checkRecipient(address("b@other.example"), STRANGER, null);
        relay.checkRecipient(address("c@example.com"), STRANGER, null);

        assertThat(registry.get("portcullis.relay.refused").tag("reason", "relay_denied").counter().count())
                .isEqualTo(2.0);
    }

    @Test
    void refusesAnInvalidTrustedNetworkAtConstructionNamingIt() {
        RelayConfig config = new RelayConfig(List.of("example.com"), List.of("10.0.0.0/8", "10.0.0.1/33"));

        assertThatThrownBy(() -> new ConfiguredRelayControl(config, "mx.example.org", true, registry))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("10.0.0.1/33");
    }

    @Test
    void refusesAnInvalidAcceptedDomainAtConstructionNamingIt() {
        RelayConfig config = new RelayConfig(List.of("example.com", "bad..example"), List.of());

        assertThatThrownBy(() -> new ConfiguredRelayControl(config, "mx.example.org", true, registry))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad..example");
    }

    @ParameterizedTest
    @ValueSource(strings = {"user@example.com", "user@mail.example.co.uk", "\u7528\u6237@\u4F8B\u5B50.\u4E2D\u56FD",
            "user@xn--fsqu00a.xn--fiqs8s", "user@EXAMPLE.ORG"})
    void acceptsFullyQualifiedSenders(String sender) {
        assertThat(relay.checkSender(address(sender), STRANGER, null)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"user@localhost", "user@mailhost", "user@corp.internal-tld", "user@example.c0m", "user@xn--fiqs8s"})
    void refusesSendersWithoutAFullyQualifiedDomain(String sender) {
        assertThat(relay.checkSender(address(sender), STRANGER, null))
                .contains(new Refuse(550, "5.1.7", "<" + sender + ">: Sender address rejected: "
                        + "need fully-qualified address"));
    }

    @Test
    void trustedNetworksAndAuthenticatedUsersMaySendFromBareHostNames() {
        assertThat(relay.checkSender(address("root@mailhost"), ip("10.1.2.3"), null)).isEmpty();
        assertThat(relay.checkSender(address("root@mailhost"), STRANGER, "alice")).isEmpty();
    }

    @Test
    void alwaysAcceptsTheNullSender() {
        assertThat(relay.checkSender(MailAddress.NULL_SENDER, STRANGER, null)).isEmpty();
    }

    @Test
    void acceptsUnqualifiedSendersWhenTheCheckIsOff() {
        ConfiguredRelayControl lenient = new ConfiguredRelayControl(
                new RelayConfig(List.of("example.com"), List.of()), "mx.example.org", false, registry);

        assertThat(lenient.checkSender(address("user@localhost"), STRANGER, null)).isEmpty();
    }

    @Test
    void countsRefusedSenders() {
        relay.checkSender(address("user@localhost"), STRANGER, null);

        assertThat(registry.get("portcullis.relay.refused").tag("reason", "non_fqdn_sender").counter().count())
                .isEqualTo(1.0);
    }

    private static MailAddress address(String text) {
        int at = text.lastIndexOf('@');
        return new MailAddress(text.substring(0, at), text.substring(at + 1));
    }

    private static byte[] mapped(int a, int b, int c, int d) {
        return new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) a, (byte) b, (byte) c,
                (byte) d};
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
