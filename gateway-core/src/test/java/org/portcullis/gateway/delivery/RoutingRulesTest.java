package org.portcullis.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.portcullis.gateway.config.RouteConfig;
import org.portcullis.gateway.envelope.Envelope;
import org.portcullis.gateway.envelope.MailParameters;
import org.portcullis.gateway.envelope.Recipient;

/** Route matching, command building and Maildir names: the pure parts, without a network. */
class RoutingRulesTest {

    private static RouteConfig route(String... domains) {
        return new RouteConfig(List.of(domains), List.of(), RouteConfig.TlsPolicy.NONE);
    }

    @Test
    void picksTheFirstMatchingRoute() {
        RouteTable table = new RouteTable(List.of(route("example.com"), route(".example.com"), route("*")));

        assertThat(table.routeFor("EXAMPLE.com")).contains(0);
        assertThat(table.routeFor("mail.example.com.")).contains(1);
        assertThat(table.routeFor("notexample.com")).contains(2);
        assertThat(new RouteTable(List.of(route(".example.com"))).routeFor("example.com")).isEmpty();
    }

    @Test
    void matchesInternationalisedDomainsInEitherForm() {
        RouteTable table = new RouteTable(List.of(route("xn--bcher-kva.example")));

        assertThat(table.routeFor("bücher.example")).contains(0);
    }

    private static EhloExtensions ext(String... lines) {
        List<String> all = new java.util.ArrayList<>(List.of("hop.test"));
        all.addAll(List.of(lines));
        return EhloExtensions.parse(new SmtpReply(250, all, true));
    }

    private static Envelope envelope(String sender, MailParameters parameters) {
        return TestSetup.request(new MessageContent(java.nio.file.Path.of("x"), 0, 0), parameters, sender,
                List.of(Recipient.of(TestSetup.address("a@example.com")))).envelope();
    }

    @Test
    void carriesEachMailParameterOnlyWhereItsExtensionIsOffered() {
        Envelope env = envelope("s@origin.test", new MailParameters("8BITMIME", true, "FULL", "id+2B1"));

        assertThat(MailCommands.mailFrom(env, 1234, ext("SIZE 10000000", "8BITMIME", "SMTPUTF8", "DSN")))
                .isEqualTo("MAIL FROM:<s@origin.test> SIZE=1234 BODY=8BITMIME SMTPUTF8 RET=FULL ENVID=id+2B1");
        assertThat(MailCommands.mailFrom(env, 1234, EhloExtensions.NONE)).isEqualTo("MAIL FROM:<s@origin.test>");
        assertThat(MailCommands.mailFrom(envelope("", MailParameters.NONE), 1, ext("SIZE"))).isEqualTo("MAIL FROM:<> SIZE=1");
    }

    @Test
    void carriesNotifyAndOrcptOnlyToAHopWithDsn() {
        Recipient r = new Recipient(TestSetup.address("a@example.com"), "FAILURE", "rfc822;a@example.com");

        assertThat(MailCommands.rcptTo(r, ext("dsn"))).isEqualTo("RCPT TO:<a@example.com> NOTIFY=FAILURE ORCPT=rfc822;a@example.com");
        assertThat(MailCommands.rcptTo(r, ext("PIPELINING"))).isEqualTo("RCPT TO:<a@example.com>");
    }

    @Test
    void readsTheSizeLimitOfAHop() {
        assertThat(ext("SIZE 52428800").sizeLimit()).hasValue(52428800);
        assertThat(ext("SIZE 0").sizeLimit()).isEmpty();
        assertThat(ext("SIZE").sizeLimit()).isEmpty();
        assertThat(ext("pipelining", "Chunking").chunking()).isTrue();
    }

    @Test
    void namesMaildirsSafely() {
        assertThat(MaildirName.of(TestSetup.address("John.Doe+tag@Example.com"))).isEqualTo("john.doe+tag@example.com");
        assertThat(MaildirName.of(TestSetup.address("../x@example.com"))).isEqualTo("%2E.%2Fx@example.com");
        assertThat(MaildirName.of(TestSetup.address("j\u00f6rg@example.com"))).isEqualTo("j%C3%B6rg@example.com");
        assertThat(MaildirName.of(TestSetup.address("a".repeat(300) + "@example.com"))).hasSizeLessThanOrEqualTo(MaildirName.MAX_LENGTH)
                .doesNotContain("/");
    }
}
