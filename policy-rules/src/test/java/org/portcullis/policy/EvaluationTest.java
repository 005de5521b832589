package org.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.policy.Inputs.message;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.portcullis.filter.Address;
import org.portcullis.filter.Direction;
import org.portcullis.filter.Stage;
import org.portcullis.filter.Verdict;

class EvaluationTest {

    @Test
    void triesLowerPrioritiesFirstAndKeepsFileOrderForTies() {
        Policy policy = Policies.parse("""
                rules:
                  - name: third
                    then: { add_header: "X-Order: third" }
                  - name: first
                    priority: 1
                    then: { add_header: "X-Order: first" }
                  - name: fourth
                    then: { add_header: "X-Order: fourth" }
                  - name: second
                    priority: 50
                    then: { add_header: "X-Order: second" }
                """);
        assertThat(policy.ruleNames()).containsExactly("first", "second", "third", "fourth");
        assertThat(policy.decide(message().build()).actions()).extracting(a -> ((Action.AddHeader) a).value())
                .containsExactly("first", "second", "third", "fourth");
    }

    @Test
    void endsAtTheFirstVerdict() {
        Policy policy = Policies.parse("""
                rules:
                  - name: held
                    priority: 1
                    when: { spam.score: { above: 5 } }
                    then: { quarantine: spam }
                  - name: refused
                    priority: 2
                    when: { spam.score: { above: 5 } }
                    then: { reject: "no" }
                """);
        Decision d = policy.decide(message().spam(9).build());
        assertThat(d.verdict()).isEqualTo(new Verdict.Quarantine("spam"));
        assertThat(d.decidingRule()).contains("held");
        assertThat(d.trace()).noneMatch(s -> s.describe().contains("refused"));
    }

    @Test
    void goesOnAfterAVerdictWithContinueAndTheLaterVerdictReplacesIt() {
        Policy policy = Policies.parse("""
                rules:
                  - name: partners are accepted
                    priority: 1
                    continue: true
                    when: { sender.domain: example.org }
                    then: accept
                  - name: viruses are refused
                    priority: 2
                    when: { virus: any }
                    then: { reject: "554 5.7.1 Virus found: {virus}" }
                """);
        assertThat(policy.decide(message().build()).verdict()).isInstanceOf(Verdict.Accept.class);
        Decision infected = policy.decide(message().virus("Eicar-Signature").build());
        assertThat(infected.verdict()).isEqualTo(new Verdict.Reject(554, "5.7.1", "Virus found: Eicar-Signature"));
        assertThat(infected.decidingRule()).contains("viruses are refused");
    }

    @Test
    void gathersActionsFromEveryMatchingRuleUntilTheVerdict() {
        Policy policy = Policies.parse("""
                rules:
                  - name: tag
                    priority: 1
                    when: { spam.score: { above: 5 } }
                    then: [ { tag_subject: "[SPAM]" }, { add_header: "X-Spam-Flag: YES" } ]
                  - name: archive
                    priority: 2
                    then: [ { copy_to_archive: compliance }, { bcc: audit@example.com } ]
                  - name: hold
                    priority: 3
                    when: { spam.score: { above: 8 } }
                    then: [ { quarantine: "spam" }, { add_header: "X-Held: yes" } ]
                  - name: never reached
                    priority: 4
                    then: { add_header: "X-Late: yes" }
                """);
        Decision d = policy.decide(message().spam(9).build());
        assertThat(d.verdict()).isInstanceOf(Verdict.Quarantine.class);
        assertThat(d.actions()).containsExactly(new Action.TagSubject("[SPAM]"),
                new Action.AddHeader("X-Spam-Flag", "YES"), new Action.CopyToArchive("compliance"),
                new Action.Bcc(Address.parse("audit@example.com")), new Action.AddHeader("X-Held", "yes"));
    }

    @Test
    void doesTheSameActionOnceAndKeepsTheFirstRouteAndRedirect() {
        Policy policy = Policies.parse("""
                rules:
                  - name: a
                    then: [ { add_header: "X-Flag: YES" }, { route: internal }, { redirect: [ a@example.com ] } ]
                  - name: b
                    then: [ { add_header: "X-Flag: YES" }, { route: smarthost }, { redirect: b@example.com } ]
                """);
        Decision d = policy.decide(message().build());
        assertThat(d.actions()).containsExactly(new Action.AddHeader("X-Flag", "YES"), new Action.Route("internal"),
                new Action.Redirect(List.of(Address.parse("a@example.com"))));
        assertThat(d.trace()).anyMatch(s -> s.describe().contains("rule 'b' would deliver over the route 'smarthost', "
                + "but rule 'a' already chose to deliver over the route 'internal'; the first stands"));
    }

    @Test
    void letsTheStrictestProposalStandWhenNoRuleDecides() {
        Policy policy = Policies.parse("""
                rules:
                  - name: tag
                    when: { spam.score: { above: 5 } }
                    then: { tag_subject: "[SPAM]" }
                """);
        Decision d = policy.decide(message().spam(6)
                .proposal("greylist", Verdict.tempfail("greylisted"))
                .proposal("antispam", Verdict.quarantine("looks bad"))
                .proposal("antivirus", Verdict.reject("virus"))
                .proposal("other", Verdict.reject("later reject of the same severity")).build());
        assertThat(d.verdict()).isEqualTo(Verdict.reject("virus"));
        assertThat(d.trace()).contains(new Step.ProposalStands("antivirus", Verdict.reject("virus")));
        assertThat(d.decidingRule()).isEmpty();
    }

    @Test
    void continuesWhenNoRuleDecidesAndNoFilterProposes() {
        Decision d = Policy.empty().decide(message().proposal("x", new Verdict.Continue()).build());
        assertThat(d.verdict()).isEqualTo(new Verdict.Continue());
        assertThat(d.trace()).containsExactly(new Step.NoVerdict());
    }

    @Test
    void theEmptyPolicyLetsProposalsStand() {
        Decision d = Policy.empty().decide(message().proposal("antivirus", Verdict.reject("virus")).build());
        assertThat(d.verdict()).isEqualTo(Verdict.reject("virus"));
        assertThat(d.actions()).isEmpty();
    }

    @Test
    void aRuleOverridesAFiltersProposalAndSaysSo() {
        Policy policy = Policies.acceptWhen("{ client.network: 192.0.2.0/24 }");
        Decision d = policy.decide(message().proposal("antispam", Verdict.reject("spam")).build());
        assertThat(d.verdict()).isInstanceOf(Verdict.Accept.class);
        assertThat(d.trace()).anyMatch(s -> s instanceof Step.Note n
                && n.text().equals("filter antispam proposed reject 550 5.7.1 spam; the policy's verdict replaces it"));
    }

    @Test
    void dropsTheActionsOfARefusedMessage() {
        Policy policy = Policies.parse("""
                rules:
                  - name: tag
                    priority: 1
                    then: { tag_subject: "[X]" }
                  - name: refuse
                    priority: 2
                    then: { tempfail: "try later" }
                """);
        Decision d = policy.decide(message().build());
        assertThat(d.verdict()).isEqualTo(new Verdict.Tempfail(451, "4.7.1", "try later"));
        assertThat(d.actions()).isEmpty();
        assertThat(d.trace()).anyMatch(s -> s.describe().startsWith("the verdict refuses, so these actions do not apply"));
    }

    @Test
    void triesARuleOnlyAtItsStage() {
        Policy policy = Policies.parse("""
                rules:
                  - name: no open relays from here
                    stage: connect
                    when: { client.network: 192.0.2.0/24 }
                    then: { reject: "554 5.7.1 Not from here" }
                  - name: whole message
                    then: { add_header: "X-Checked: yes" }
                """);
        Decision atConnect = policy.decide(message().at(Stage.CONNECT).build());
        assertThat(atConnect.verdict()).isEqualTo(new Verdict.Reject(554, "5.7.1", "Not from here"));
        Decision atEnd = policy.decide(message().build());
        assertThat(atEnd.trace()).startsWith(new Step.Skipped("no open relays from here", 2,
                "it is for CONNECT, and this is END_OF_MESSAGE"));
        assertThat(atEnd.verdict()).isEqualTo(new Verdict.Continue());
        assertThat(atEnd.actions()).containsExactly(new Action.AddHeader("X-Checked", "yes"));
    }

    @Test
    void triesARuleOnlyForItsDirection() {
        Policy policy = Policies.parse("""
                rules:
                  - name: outbound disclaimer
                    direction: outbound
                    when: { sender.domain: example.com }
                    then: { append_disclaimer: "This message is confidential." }
                  - name: outbound recipients are checked
                    stage: rcpt_to
                    direction: outbound
                    when: { client.user: none }
                    then: { reject: "554 5.7.1 Relaying denied" }
                """);
        PolicyInput out = message().from("alice@example.com").outbound("x@elsewhere.example").build();
        assertThat(policy.decide(out).actions()).containsExactly(new Action.AppendDisclaimer("This message is confidential."));
        assertThat(policy.decide(message().from("alice@example.com").build()).actions()).isEmpty();
        PolicyInput relay = message().at(Stage.RCPT_TO).giving("x@elsewhere.example", Direction.OUTBOUND).build();
        assertThat(policy.decide(relay).verdict()).isInstanceOf(Verdict.Reject.class);
        PolicyInput local = message().at(Stage.RCPT_TO).giving("bob@example.com", Direction.INBOUND).build();
        assertThat(policy.decide(local).verdict()).isInstanceOf(Verdict.Continue.class);
    }

    @Test
    void stripsThePartsOfTheAttachmentsThatMatched() {
        Policy policy = Policies.parse("""
                rules:
                  - name: executables are stripped
                    when: { attachment.type: [ application/x-msdownload, application/x-dosexec ] }
                    then: { strip_attachment: "removed: {attachment.name}" }
                """);
        Decision d = policy.decide(message()
                .attachment("2", "setup.exe", "application/octet-stream", "application/x-dosexec")
                .attachment("3", "report.pdf", "application/pdf", "application/pdf")
                .attachment("4.1", "tool.exe", "application/x-msdownload", "application/x-msdownload").build());
        assertThat(d.actions()).containsExactly(
                new Action.StripAttachments(List.of("2", "4.1"), "removed: setup.exe, tool.exe"));
    }

    @Test
    void stripsNothingWhenTheRuleMatchedWithoutAnAttachment() {
        Policy policy = Policies.parse("""
                rules:
                  - name: big or executable
                    when: { any: [ { size: { above: 1m } }, { attachment.type: "application/x-*" } ] }
                    then: strip_attachment
                """);
        Decision d = policy.decide(message().size(5_000_000).build());
        assertThat(d.actions()).isEmpty();
        assertThat(d.trace()).anyMatch(s -> s.describe().contains("has no attachment to strip"));
    }

    @Test
    void givesDefaultCodesAndTextsToRepliesWithoutThem() {
        Policy policy = Policies.parse("""
                rules:
                  - name: bare
                    stage: connect
                    when: { client.network: 192.0.2.0/24 }
                    then: reject
                  - name: text only
                    stage: helo
                    then: { tempfail: "Busy" }
                  - name: code only
                    stage: mail_from
                    then: { reject: { code: 553 } }
                """);
        assertThat(policy.decide(message().at(Stage.CONNECT).build()).verdict())
                .isEqualTo(new Verdict.Reject(550, "5.7.1", "Refused by policy"));
        assertThat(policy.decide(message().at(Stage.HELO).build()).verdict())
                .isEqualTo(new Verdict.Tempfail(451, "4.7.1", "Busy"));
        assertThat(policy.decide(message().at(Stage.MAIL_FROM).build()).verdict())
                .isEqualTo(new Verdict.Reject(553, "5.7.1", "Refused by policy"));
    }

    @Test
    void readsTheCodesInFrontOfAReplyText() {
        assertThat(replyOf("\"5.7.26 Unauthenticated mail\"")).isEqualTo(new Verdict.Reject(550, "5.7.26",
                "Unauthenticated mail"));
        assertThat(replyOf("\"554-5.7.1 Dashed\"")).isEqualTo(new Verdict.Reject(554, "5.7.1", "Dashed"));
        assertThat(replyOf("\"554 5.7.1\"")).isEqualTo(new Verdict.Reject(554, "5.7.1", "Refused by policy"));
        assertThat(replyOf("\"2024 was a bad year\"")).isEqualTo(new Verdict.Reject(550, "5.7.1",
                "2024 was a bad year"));
        assertThat(replyOf("{ code: 551, enhanced_code: 5.1.6, text: Moved }"))
                .isEqualTo(new Verdict.Reject(551, "5.1.6", "Moved"));
    }

    private static Verdict replyOf(String reject) {
        return Policies.parse("rules:\n  - name: r\n    then: { reject: " + reject + " }\n")
                .decide(message().build()).verdict();
    }
}
