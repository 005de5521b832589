package org.portcullis.gateway.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.IDN;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.portcullis.gateway.envelope.MailAddress;

class SmtpPathParserTest {

    private static final boolean RCPT = true;
    private static final boolean MAIL = false;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SmtpPathParser parser = new SmtpPathParser("mx.example.org", registry);

    static Stream<Arguments> refusedPaths() {
        return Stream.of(
                // what, argument, RCPT or MAIL, SMTPUTF8, code, enhanced code, reason in the reply
                arguments("source route", "<@a.example,@b.example:user@c.example>", RCPT, false, 553, "5.7.1",
                        "source routes are not allowed"),
                arguments("one-hop source route", "<@a.example:user@c.example>", RCPT, false, 553, "5.7.1",
                        "source routes are not allowed"),
                arguments("percent hack", "<user%evil.example@example.com>", RCPT, false, 553, "5.7.1",
                        "percent hack is not allowed"),
                arguments("percent hack in MAIL", "<user%evil.example@example.com>", MAIL, false, 553, "5.7.1",
                        "percent hack is not allowed"),
                arguments("bang path", "<evil.example!user@example.com>", RCPT, false, 553, "5.7.1",
                        "bang paths are not allowed"),
                arguments("quoted @", "<\"user@evil.example\"@example.com>", RCPT, false, 553, "5.7.1",
                        "quoted local part hides a route (@, % or !)"),
                arguments("quoted %", "<\"user%evil.example\"@example.com>", RCPT, false, 553, "5.7.1",
                        "quoted local part hides a route (@, % or !)"),
                arguments("quoted !", "<\"evil.example!user\"@example.com>", RCPT, false, 553, "5.7.1",
                        "quoted local part hides a route (@, % or !)"),
                arguments("escaped @ in quotes", "<\"user\\@evil.example\"@example.com>", RCPT, false, 553, "5.7.1",
                        "quoted local part hides a route (@, % or !)"),
                arguments("two @", "<user@evil.example@example.com>", RCPT, false, 553, "5.7.1",
                        "more than one @ in address"),
                arguments("two @ after quotes", "<\"user\"@evil.example@example.com>", RCPT, false, 553, "5.7.1",
                        "more than one @ in address"),
                arguments("IPv4 literal", "<user@[192.0.2.1]>", RCPT, false, 553, "5.7.1",
                        "address literals are not accepted"),
                arguments("IPv6 literal", "<user@[IPv6:::1]>", RCPT, false, 553, "5.7.1",
                        "address literals are not accepted"),
                arguments("dotted quad without brackets", "<user@192.0.2.1>", RCPT, false, 553, "5.7.1",
                        "IP addresses are not accepted as domains"),
                arguments("trailing dot", "<user@example.com.>", RCPT, false, 553, "5.7.1",
                        "trailing dot in domain"),
                arguments("trailing dot in MAIL", "<user@example.com.>", MAIL, false, 553, "5.7.1",
                        "trailing dot in domain"),
                arguments("empty label", "<user@a..b>", RCPT, false, 501, "5.1.3",
                        "empty label in domain"),
                arguments("leading dot in domain", "<user@.example.com>", RCPT, false, 501, "5.1.3",
                        "empty label in domain"),
                arguments("Cyrillic a in a Latin label", "<user@ex\u0430mple.com>", RCPT, true, 553, "5.7.1",
                        "domain label mixes scripts"),
                arguments("Greek omicron in a Latin label", "<user@g\u03BFogle.com>", RCPT, true, 553, "5.7.1",
                        "domain label mixes scripts"),
                arguments("fullwidth letter", "<user@\uFF45xample.com>", RCPT, true, 553, "5.7.1",
                        "domain has a compatibility character that looks like another"),
                arguments("fullwidth letters in MAIL", "<user@\uFF45\uFF58ample.com>", MAIL, true, 553, "5.7.1",
                        "domain has a compatibility character that looks like another"),
                arguments("ligature", "<user@\uFB01nance.example>", RCPT, true, 553, "5.7.1",
                        "domain has a compatibility character that looks like another"),
                arguments("punycode of a mixed-script label", "<user@" + IDN.toASCII("ex\u0430mple") + ".com>",
                        RCPT, false, 553, "5.7.1",
                        "punycode label: domain label mixes scripts"),
                arguments("punycode that does not decode", "<user@xn--ls8h.example>", RCPT, false, 553, "5.7.1",
                        "invalid punycode label in domain"),
                arguments("punycode label ending in a hyphen", "<user@xn--abc-.example>", RCPT, false, 501, "5.1.3",
                        "domain label starts or ends with a hyphen"),
                arguments("sharp s, read differently by IDNA 2003 and 2008", "<user@stra\u00DFe.de>", RCPT, true,
                        553, "5.7.1",
                        "domain label has no unambiguous IDNA form"),
                arguments("backslash escaping @", "<user\\@evil.example@example.com>", RCPT, false, 553, "5.7.1",
                        "backslash escapes are only allowed inside quotes"),
                arguments("backslash in a plain local part", "<us\\er@example.com>", RCPT, false, 553, "5.7.1",
                        "backslash escapes are only allowed inside quotes"),
                arguments("NUL", "<user@exa\u0000mple.com>", RCPT, false, 501, "5.1.3",
                        "control character in address"),
                arguments("CR LF", "<user\r\n@example.com>", RCPT, false, 501, "5.1.3",
                        "control character in address"),
                arguments("tab", "<user@example.com>\tSIZE=10", RCPT, false, 501, "5.1.3",
                        "control character in address"),
                arguments("DEL", "<user\u007F@example.com>", MAIL, false, 501, "5.1.7",
                        "control character in address"),
                arguments("C1 control with SMTPUTF8", "<user\u0085@example.com>", RCPT, true, 501, "5.1.3",
                        "control character in address"),
                arguments("right-to-left override", "<user@\u202Eexample.com>", RCPT, true, 553, "5.7.1",
                        "invisible formatting character in address"),
                arguments("zero-width space", "<us\u200Ber@example.com>", RCPT, true, 553, "5.7.1",
                        "invisible formatting character in address"),
                arguments("no angle brackets", "user@example.com", RCPT, false, 501, "5.1.3",
                        "path must be enclosed in angle brackets"),
                arguments("no angle brackets in MAIL", "user@example.com", MAIL, false, 501, "5.1.7",
                        "path must be enclosed in angle brackets"),
                arguments("no closing bracket", "<user@example.com", RCPT, false, 501, "5.1.3",
                        "path must be enclosed in angle brackets"),
                arguments("no opening bracket", "user@example.com>", RCPT, false, 501, "5.1.3",
                        "path must be enclosed in angle brackets"),
                arguments("empty argument", "", RCPT, false, 501, "5.1.3",
                        "path must be enclosed in angle brackets"),
                arguments("null path as recipient", "<>", RCPT, false, 501, "5.1.3",
                        "the null path is not a recipient"),
                arguments("postmaster without domain as sender", "<postmaster>", MAIL, false, 501, "5.1.7",
                        "address has no domain"),
                arguments("local part without domain", "<user>", RCPT, false, 501, "5.1.3",
                        "address has no domain"),
                arguments("text glued to the path", "<user@example.com>SIZE=10", RCPT, false, 501, "5.1.3",
                        "unexpected text after the path"),
                arguments("unclosed quote", "<\"john@example.com>", RCPT, false, 501, "5.1.3",
                        "quoted local part is not closed"),
                arguments("space in unquoted local part", "<john doe@example.com>", RCPT, false, 501, "5.1.3",
                        "character not allowed in local part"),
                arguments("empty quoted local part", "<\"\"@example.com>", RCPT, false, 501, "5.1.3",
                        "empty local part"),
                arguments("double dot in local part", "<john..doe@example.com>", RCPT, false, 501, "5.1.3",
                        "local part has an empty part between dots"),
                arguments("hyphen at start of label", "<user@-example.com>", RCPT, false, 501, "5.1.3",
                        "domain label starts or ends with a hyphen"),
                arguments("underscore in domain", "<user@ex_ample.com>", RCPT, false, 501, "5.1.3",
                        "character not allowed in a domain name"),
                arguments("port after domain", "<user@example.com:25>", RCPT, false, 501, "5.1.3",
                        "character not allowed in a domain name"),
                arguments("symbol in domain", "<user@\u2603.example>", RCPT, true, 501, "5.1.3",
                        "character not allowed in a domain name"),
                arguments("local part of 65 octets", "<" + "a".repeat(65) + "@example.com>", RCPT, false, 501, "5.1.3",
                        "local part too long"),
                arguments("label of 64 octets", "<user@" + "a".repeat(64) + ".com>", RCPT, false, 501, "5.1.3",
                        "domain label too long"),
                arguments("path of 257 octets", "<" + "a".repeat(64) + "@" + longDomain(190) + ">", RCPT, false,
                        501, "5.1.3",
                        "path too long"),
                arguments("UTF-8 address without SMTPUTF8", "<\u7528\u6237@\u4F8B\u5B50.\u5E7F\u544A>", RCPT, false,
                        553, "5.6.7",
                        "non-ASCII local part without SMTPUTF8"),
                arguments("UTF-8 local part without SMTPUTF8", "<j\u00F6rg@example.com>", MAIL, false, 553, "5.6.7",
                        "non-ASCII local part without SMTPUTF8"),
                arguments("UTF-8 domain only without SMTPUTF8", "<user@b\u00FCcher.example>", RCPT, false, 553,
                        "5.6.7",
                        "non-ASCII domain without SMTPUTF8"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("refusedPaths")
    void refusesEachTrickWithItsReply(String what, String argument, boolean rcpt, boolean smtpUtf8,
                                      int code, String enhancedCode, String reason) {
        PathResult result = rcpt ? parser.parseForwardPath(argument, smtpUtf8)
                : parser.parseReversePath(argument, smtpUtf8);

        assertThat(result).isInstanceOf(PathResult.Rejected.class);
        PathResult.Rejected rejected = (PathResult.Rejected) result;
        assertThat(rejected.code()).as("reply code").isEqualTo(code);
        assertThat(rejected.enhancedCode()).as("enhanced code").isEqualTo(enhancedCode);
        assertThat(rejected.text())
                .as("reply text says why, in printable ASCII, and never echoes the address")
                .endsWith(": " + reason)
                .matches("[\\x20-\\x7e]+")
                .doesNotContain("evil", "example");
    }

    static Stream<Arguments> acceptedPaths() {
        return Stream.of(
                // argument, RCPT or MAIL, SMTPUTF8, local part, domain, parameters
                arguments("<user@example.com>", RCPT, false, "user", "example.com", ""),
                arguments("  <user@example.com>", RCPT, false, "user", "example.com", ""),
                arguments("<User@EXAMPLE.Com>", RCPT, false, "User", "example.com", ""),
                arguments("<\"john doe\"@example.com>", RCPT, false, "\"john doe\"", "example.com", ""),
                arguments("<\"john\"@example.com>", RCPT, false, "john", "example.com", ""),
                arguments("<\"a>b\"@example.com> NOTIFY=NEVER", RCPT, false, "\"a>b\"", "example.com", "NOTIFY=NEVER"),
                arguments("<\"say \\\"hi\\\"\"@example.com>", RCPT, false, "\"say \\\"hi\\\"\"", "example.com", ""),
                arguments("<\"\\j\\o\\e\"@example.com>", RCPT, false, "joe", "example.com", ""),
                arguments("<first.last+tag@sub.example.com>", RCPT, false, "first.last+tag", "sub.example.com", ""),
                arguments("<o'brien_{x}=y@example.com>", MAIL, false, "o'brien_{x}=y", "example.com", ""),
                arguments("<user@example.com> SIZE=1000 BODY=8BITMIME", MAIL, false, "user", "example.com",
                        "SIZE=1000 BODY=8BITMIME"),
                arguments("<user@example.com>   ORCPT=rfc822;user@example.com  ", RCPT, false, "user",
                        "example.com", "ORCPT=rfc822;user@example.com"),
                arguments("<Postmaster>", RCPT, false, "postmaster", "mx.example.org", ""),
                arguments("<POSTMASTER> NOTIFY=NEVER", RCPT, false, "postmaster", "mx.example.org", "NOTIFY=NEVER"),
                arguments("<\u7528\u6237@\u4F8B\u5B50.\u5E7F\u544A> SMTPUTF8", MAIL, true, "\u7528\u6237",
                        "\u4F8B\u5B50.\u5E7F\u544A", "SMTPUTF8"),
                arguments("<\u7528\u6237@\u4F8B\u5B50.\u5E7F\u544A>", RCPT, true, "\u7528\u6237",
                        "\u4F8B\u5B50.\u5E7F\u544A", ""),
                arguments("<user@B\u00FCcher.example>", RCPT, true, "user", "b\u00FCcher.example", ""),
                arguments("<user@bu\u0308cher.example>", RCPT, true, "user", "b\u00FCcher.example", ""),
                arguments("<user@\u65E5\u672C\u8A9E\u30C9\u30E1\u30A4\u30F3.jp>", RCPT, true, "user",
                        "\u65E5\u672C\u8A9E\u30C9\u30E1\u30A4\u30F3.jp", ""),
                arguments("<user@\u043F\u0440\u0438\u043C\u0435\u0440.\u0440\u0444>", RCPT, true, "user",
                        "\u043F\u0440\u0438\u043C\u0435\u0440.\u0440\u0444", ""),
                arguments("<user@XN--bcher-kva.example>", RCPT, false, "user", "xn--bcher-kva.example", ""),
                arguments("<user@mail-1.example.com>", RCPT, false, "user", "mail-1.example.com", ""),
                arguments("<" + "a".repeat(64) + "@example.com>", RCPT, false, "a".repeat(64), "example.com", ""),
                arguments("<" + "a".repeat(64) + "@" + longDomain(189) + ">", RCPT, false, "a".repeat(64),
                        longDomain(189), ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedPaths")
    void acceptsLegitimatePathsInCanonicalForm(String argument, boolean rcpt, boolean smtpUtf8,
                                               String localPart, String domain, String parameters) {
        PathResult result = rcpt ? parser.parseForwardPath(argument, smtpUtf8)
                : parser.parseReversePath(argument, smtpUtf8);

        assertThat(result).isEqualTo(new PathResult.Parsed(new MailAddress(localPart, domain), parameters));
    }

    @ParameterizedTest
    @ValueSource(strings = {"<>", " <>", "<> SIZE=1000"})
    void acceptsTheNullSenderForMail(String argument) {
        PathResult result = parser.parseReversePath(argument, false);

        assertThat(result).isInstanceOf(PathResult.Parsed.class);
        assertThat(((PathResult.Parsed) result).address().isNullSender()).isTrue();
        assertThat(((PathResult.Parsed) result).parameters()).isEqualTo(argument.contains("SIZE") ? "SIZE=1000" : "");
    }

    @Test
    void refusesUtf8WithoutSmtpUtf8ButAcceptsTheSameAddressWithIt() {
        String argument = "<\u7528\u6237@\u4F8B\u5B50.\u5E7F\u544A>";

        assertThat(parser.parseForwardPath(argument, false))
                .isEqualTo(new PathResult.Rejected(553, "5.6.7",
                        "Recipient address rejected: non-ASCII local part without SMTPUTF8"));
        assertThat(parser.parseForwardPath(argument, true)).isInstanceOf(PathResult.Parsed.class);
    }

    @Test
    void givesThePostfixStyleTextForSyntaxErrors() {
        assertThat(parser.parseForwardPath("user@example.com", false))
                .isEqualTo(new PathResult.Rejected(501, "5.1.3",
                        "Bad recipient address syntax: path must be enclosed in angle brackets"));
        assertThat(parser.parseReversePath("<user@a..b>", false))
                .isEqualTo(new PathResult.Rejected(501, "5.1.7", "Bad sender address syntax: empty label in domain"));
    }

    @Test
    void namesTheTrickInTheReply() {
        assertThat(parser.parseForwardPath("<user%evil.example@example.com>", false))
                .isEqualTo(new PathResult.Rejected(553, "5.7.1", "Recipient address rejected: percent hack is not allowed"));
        assertThat(parser.parseForwardPath("<@a.example:user@c.example>", false))
                .isEqualTo(new PathResult.Rejected(553, "5.7.1",
                        "Recipient address rejected: source routes are not allowed"));
    }

    @Test
    void countsEachRefusalByReason() {
        parser.parseForwardPath("<user%evil.example@example.com>", false);
        parser.parseForwardPath("<a%b@example.com>", false);
        parser.parseForwardPath("<user@[192.0.2.1]>", false);
        parser.parseForwardPath("<user@example.com>", false);

        assertThat(registry.get("portcullis.relay.refused").tag("reason", "percent_hack").counter().count())
                .isEqualTo(2.0);
        assertThat(registry.get("portcullis.relay.refused").tag("reason", "ip_literal").counter().count())
                .isEqualTo(1.0);
        assertThat(registry.find("portcullis.relay.refused").counters())
                .extracting(c -> c.getId().getTag("reason"))
                .containsExactlyInAnyOrder("percent_hack", "ip_literal");
    }

    @Test
    void refusesAHostNameThatIsNotADomain() {
        assertThatThrownBy(() -> new SmtpPathParser("mx.example.org.", new SimpleMeterRegistry()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mx.example.org.");
    }

    /** A valid domain of exactly {@code length} octets (up to 300), of labels of 62 or 63 octets. */
    private static String longDomain(int length) {
        String domain = ("d".repeat(62) + ".").repeat(5).substring(0, length);
        return domain.endsWith(".") ? domain.substring(0, length - 1) + "e" : domain;
    }
}
