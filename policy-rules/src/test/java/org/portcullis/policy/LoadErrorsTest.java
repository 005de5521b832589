package org.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every mistake is found at load, with the line it is on and words that say what is allowed. */
class LoadErrorsTest {

    private static final String RULE = "rules:\n  - name: r\n";

    static Stream<Arguments> mistakes() {
        return Stream.of(
                mistake("YAML that does not parse", "rules:\n  - name: r\n    when: { sender: [a, b }\n", 3,
                        "not valid YAML"),
                mistake("an empty file", "", 0, "the policy is empty"),
                mistake("an unknown section", "rule:\n  - name: r\n    then: accept\n", 1,
                        "'rule' is not a section of the policy; did you mean 'rules'?"),
                mistake("no rules section", "groups: { a: [ example.com ] }\n", 1, "needs a 'rules:' list"),
                mistake("an unknown key of a rule", RULE + "    prority: 5\n    then: accept\n", 3,
                        "'prority' is not a key of a rule; did you mean 'priority'?"),
                mistake("a key given twice", RULE + "    then: accept\n    then: discard\n", 4,
                        "'then' is given twice (first on line 3)"),
                mistake("a rule without a name", "rules:\n  - then: accept\n", 2, "a rule needs a name"),
                mistake("two rules of one name", RULE + "    then: accept\n  - name: r\n    then: discard\n", 4,
                        "there is already a rule named 'r' (line 2)"),
                mistake("a rule without then", RULE + "    when: { virus: any }\n", 2, "needs 'then'"),
                mistake("an unknown stage", RULE + "    stage: data\n    then: accept\n", 3,
                        "'data' is not a stage; 'stage' is one of connect, helo"),
                mistake("an unknown direction", RULE + "    direction: sideways\n    then: accept\n", 3,
                        "'sideways' is not a direction; 'direction' is inbound, outbound or both"),
                mistake("a direction before it is known", RULE + "    stage: connect\n    direction: inbound\n"
                        + "    then: accept\n", 4, "the direction is known from RCPT_TO on"),
                mistake("a priority that is no number", RULE + "    priority: high\n    then: accept\n", 3,
                        "'high' is not a whole number; 'priority' is a whole number; lower runs first"),
                mistake("continue on a rule without verdict", RULE + "    continue: true\n"
                        + "    then: { add_header: \"X-A: b\" }\n", 3, "'continue' only matters for a rule that gives a verdict"),
                mistake("an unknown condition", RULE + "    when: { sendr.domain: example.com }\n    then: accept\n", 3,
                        "'sendr.domain' is not a condition; did you mean 'sender.domain'?"),
                mistake("an empty condition", RULE + "    when: {}\n    then: accept\n", 3, "an empty condition"),
                mistake("a bad regex in a pattern list", RULE + "    when: { sender: \"/[a/\" }\n    then: accept\n", 3,
                        "'[a' is not a valid regular expression"),
                mistake("a bad regex in a header test", RULE + "    when:\n      header.Subject: { matches: \"(x\" }\n"
                        + "    then: accept\n", 4, "'(x' is not a valid regular expression"),
                mistake("an address where a domain belongs", RULE + "    when: { sender.domain: a@example.com }\n"
                        + "    then: accept\n", 3, "'a@example.com' is an address; a domain list takes domains"),
                mistake("a broken address", RULE + "    when: { sender: \"alice@\" }\n    then: accept\n", 3,
                        "'alice@' is not an address"),
                mistake("a prefix length past 32", RULE + "    when: { client.network: 10.0.0.0/33 }\n    then: accept\n",
                        3, "'10.0.0.0/33': the prefix length must be 0 to 32"),
                mistake("host bits past the prefix", RULE + "    when: { client.network: 10.0.0.1/8 }\n"
                        + "    then: accept\n", 3, "has bits set past its /8 prefix; the network is 10.0.0.0/8"),
                mistake("a host name where a network belongs", RULE + "    when:\n      client.network:\n"
                        + "        - 192.0.2.0/24\n        - mail.example.com\n    then: accept\n", 6,
                        "'mail.example.com' is not a network"),
                mistake("a broken IPv6 network", RULE + "    when: { client.network: \"2001:db8:::/32\" }\n"
                        + "    then: accept\n", 3, "is not a network"),
                mistake("a group that is not defined", RULE + "    when: { sender: $partners }\n    then: accept\n", 3,
                        "there is no group 'partners'; define it under groups:"),
                mistake("a group entry wrong where it is used", "groups:\n  nets:\n    - 10.0.0.0/8\n    - intranet\n"
                        + RULE + "    when: { client.network: $nets }\n    then: accept\n", 4,
                        "'intranet' is not a network: write an IPv4 or IPv6 address, optionally with a prefix length, "
                                + "e.g. 192.0.2.0/24 or 2001:db8::/32 (in group 'nets', used on line 7)"),
                mistake("a group that is not a list", "groups:\n  nets: 10.0.0.0/8\n" + RULE + "    then: accept\n", 2,
                        "group 'nets' must be a list"),
                mistake("a spam score without a comparison", RULE + "    when: { spam.score: 5 }\n    then: accept\n", 3,
                        "'spam.score' takes above/below/equals with a number, e.g. { above: 5 }"),
                mistake("a spam score compared with a word", RULE + "    when: { spam.score: { above: lots } }\n"
                        + "    then: accept\n", 3, "'lots' is not a number"),
                mistake("a spam score tested with a regex", RULE + "    when: { spam.score: { matches: x } }\n"
                        + "    then: accept\n", 3, "'spam.score' takes above/below/equals"),
                mistake("a range nothing is in", RULE + "    when: { spam.score: { above: 10, below: 5 } }\n"
                        + "    then: accept\n", 3, "nothing is above 10 and below 5, so this can never match"),
                mistake("a header test without a test", RULE + "    when: { header.Subject: invoice }\n"
                        + "    then: accept\n", 3, "'header.Subject' takes a test: { exists: true }"),
                mistake("exists: false with more", RULE + "    when:\n      finding.x: { exists: false, equals: y }\n"
                        + "    then: accept\n", 4, "'exists: false' stands alone"),
                mistake("a size without a unit it knows", RULE + "    when: { size: { above: 10 megs } }\n"
                        + "    then: accept\n", 3, "'10 megs' is not a size"),
                mistake("a size range nothing is in", RULE + "    when: { size: { above: 2m, below: 1m } }\n"
                        + "    then: accept\n", 3, "no size is above 2m and below 1m"),
                mistake("a media type that is not one", RULE + "    when: { attachment.type: exe }\n"
                        + "    then: accept\n", 3, "'exe' is not a media type"),
                mistake("an unknown attachment test", RULE + "    when: { attachment: { kind: exe } }\n"
                        + "    then: accept\n", 3, "'kind' is not a test of an attachment"),
                mistake("a boolean that is not one", RULE + "    when: { client.tls: maybe }\n    then: accept\n", 3,
                        "'client.tls' takes true or false"),
                mistake("a condition a CONNECT rule cannot know", RULE + "    stage: connect\n"
                        + "    when: { spam.score: { above: 5 } }\n    then: { reject: \"go away\" }\n", 4,
                        "'spam.score' is not known at CONNECT (it is known from END_OF_MESSAGE on), so this rule could "
                                + "never match"),
                mistake("a recipient test at MAIL_FROM", RULE + "    stage: mail_from\n"
                        + "    when: { recipient: a@example.com }\n    then: accept\n", 4,
                        "'recipient' is not known at MAIL_FROM (it is known from RCPT_TO on)"),
                mistake("a header test inside not at RCPT_TO", RULE + "    stage: rcpt_to\n"
                        + "    when: { not: { header.Subject: { exists: true } } }\n    then: accept\n", 4,
                        "'header.Subject' is not known at RCPT_TO"),
                mistake("an unknown action", RULE + "    then: { rejet: \"no\" }\n", 3,
                        "'rejet' is not an action; did you mean 'reject'?"),
                mistake("two actions in one entry", RULE + "    then: { tag_subject: \"[S]\", add_header: \"X: y\" }\n",
                        3, "write one action per entry"),
                mistake("two verdicts in a rule", RULE + "    then:\n      - quarantine: spam\n      - reject: \"no\"\n", 5,
                        "a rule gives one verdict, and this one already says quarantine (line 4)"),
                mistake("a reject with a 4xx code", RULE + "    then: { reject: \"451 4.7.1 Try later\" }\n", 3,
                        "'reject' takes a 5xx reply code, not 451; a 4xx refusal is a tempfail"),
                mistake("a tempfail with a 5xx code", RULE + "    then: { tempfail: \"554 5.7.1 No\" }\n", 3,
                        "'tempfail' takes a 4xx reply code, not 554; a 5xx refusal is a reject"),
                mistake("a reject code past 559", RULE + "    then: { reject: { code: 599, text: no } }\n", 3,
                        "'reject' takes a 5xx reply code, not 599"),
                mistake("an enhanced code of the wrong class", RULE + "    then: { reject: \"554 4.7.1 No\" }\n", 3,
                        "the enhanced status code '4.7.1' does not go with 554: a 5xx reply takes 5.x.y"),
                mistake("an unknown part of a reply", RULE + "    then: { reject: { status: 554 } }\n", 3,
                        "'status' is not part of 'reject'"),
                mistake("an accept with an argument", RULE + "    then: { accept: now }\n", 3, "'accept' takes nothing"),
                mistake("a reply text on two lines", RULE + "    then:\n      reject: |\n        one\n        two\n", 4,
                        "must be one line of printable ASCII, as an SMTP reply is"),
                mistake("an unknown placeholder", RULE + "    then: { reject: \"Virus: {viruses}\" }\n", 3,
                        "{viruses} is not a placeholder; known: {sender}"),
                mistake("an unclosed placeholder", RULE + "    then: { quarantine: \"score {spam.score\" }\n", 3,
                        "has a '{' that is never closed"),
                mistake("a placeholder not known yet", RULE + "    stage: mail_from\n"
                        + "    then: { reject: \"score {spam.score}\" }\n", 4,
                        "{spam.score} is known from END_OF_MESSAGE on, and this rule is for MAIL_FROM"),
                mistake("a message change before the message", RULE + "    stage: rcpt_to\n"
                        + "    then: { tag_subject: \"[X]\" }\n", 4,
                        "'tag_subject' changes the message, which the gateway does only at END_OF_MESSAGE"),
                mistake("a quarantine at CONNECT", RULE + "    stage: connect\n    then: quarantine\n", 4,
                        "'quarantine' is for a message, and at CONNECT there is none yet"),
                mistake("an action without its value", RULE + "    then: tag_subject\n", 3,
                        "'tag_subject' needs a value, e.g. { tag_subject: \"[SPAM]\" }"),
                mistake("a header field without a name", RULE + "    then: { add_header: \"X Spam: yes\" }\n", 3,
                        "'X Spam: yes' is not a header field"),
                mistake("a bcc that is not an address", RULE + "    then: { bcc: audit }\n", 3,
                        "'audit' is not an address"),
                mistake("a redirect to the null address", RULE + "    then: { redirect: [ a@example.com, \"<>\" ] }\n",
                        3, "'<>' is not an address"),
                mistake("a route name with spaces", RULE + "    then: { route: \"the internal one\" }\n", 3,
                        "'the internal one' is not a name for 'route'"),
                mistake("a strip without an attachment condition", RULE + "    when: { size: { above: 10m } }\n"
                        + "    then: strip_attachment\n", 4, "'strip_attachment' takes out the attachments the rule's "
                        + "conditions name, and rule 'r' names none"),
                mistake("a strip whose attachment is only under not", RULE
                        + "    when: { not: { attachment.type: text/plain } }\n    then: strip_attachment\n", 4,
                        "names none"));
    }

    private static Arguments mistake(String what, String yaml, int line, String message) {
        return Arguments.of(what, yaml, line, message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void reportsTheMistakeWithItsLine(String what, String yaml, int line, String message) {
        PolicyException e = catchThrowableOfType(PolicyException.class,
                () -> Policy.parse("policy.yaml", new StringReader(yaml)));
        assertThat(e).as(what).isNotNull();
        assertThat(e.problem()).as(what).contains(message);
        assertThat(e.line()).as(what + ": " + e.getMessage()).isEqualTo(line);
        assertThat(e.file()).isEqualTo("policy.yaml");
        assertThat(e.getMessage()).startsWith(line > 0 ? "policy.yaml:" + line + ": " : "policy.yaml: ");
    }

    @Test
    void namesAMissingFile() {
        Path missing = Path.of("no-such-dir", "policy.yaml");
        assertThatThrownBy(() -> Policy.load(missing)).isInstanceOf(PolicyException.class)
                .hasMessage(missing + ": there is no such policy file");
    }

    @Test
    void reportsRoutesAndArchivesTheGatewayDoesNotDefine() {
        Policy policy = Policies.parse(RULE + "    then:\n      - route: internal\n      - copy_to_archive: legal\n");
        assertThatThrownBy(() -> policy.requireKnownNames(java.util.Set.of("smarthost"), java.util.Set.of("legal")))
                .isInstanceOf(PolicyException.class)
                .hasMessage("policy.yaml:4: the gateway's configuration defines no route 'internal'; it defines smarthost");
        assertThatThrownBy(() -> policy.requireKnownNames(java.util.Set.of("internal"), java.util.Set.of()))
                .hasMessage("policy.yaml:5: the gateway's configuration defines no archive 'legal' (it defines none)");
    }
}
