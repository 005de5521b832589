package org.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.policy.Inputs.message;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.portcullis.filter.Finding;
import org.portcullis.filter.Stage;
import org.portcullis.filter.Verdict;

class FindingConditionsTest {

    private static boolean holds(String when, Inputs input, String... extra) {
        return Policies.acceptWhen(when, extra).decide(input.build()).verdict() instanceof Verdict.Accept;
    }


    @Test
    void findsAnyVirusOrNamedSignatures() {
        assertThat(holds("{ finding: virus }", message().virus("Eicar-Signature"))).isTrue();
        assertThat(holds("{ virus: any }", message().virus("Eicar-Signature"))).isTrue();
        assertThat(holds("{ virus: any }", message().spam(3))).isFalse();
        assertThat(holds("{ virus: \"Win.Trojan.*\" }", message().virus("Eicar-Signature"))).isFalse();
        assertThat(holds("{ virus: \"Win.Trojan.*\" }", message().virus("Win.Trojan.Agent-1"))).isTrue();
    }

    @Test
    void comparesTheSpamScore() {
        assertThat(holds("{ spam.score: { above: 5 } }", message().spam(5.1))).isTrue();
        assertThat(holds("{ spam.score: { above: 5 } }", message().spam(5))).isFalse();
        assertThat(holds("{ spam.score: { below: 0 } }", message().spam(-1.5))).isTrue();
        assertThat(holds("{ spam.score: { equals: 7 } }", message().spam(7.0))).isTrue();
        assertThat(holds("{ spam.score: { above: 5 } }", message())).isFalse();
    }

    @Test
    void matchesDetectedAttachmentTypesWithGlobs() {
        Inputs exe = message().attachment("2", "setup.exe", "application/octet-stream", "application/x-dosexec");
        assertThat(holds("{ attachment.type: [ application/x-msdownload, application/x-dosexec ] }", exe)).isTrue();
        assertThat(holds("{ attachment.type: \"application/x-*\" }", exe)).isTrue();
        assertThat(holds("{ attachment.type: application/pdf }", exe)).isFalse();
        assertThat(holds("{ attachment.declared: application/octet-stream }", exe)).isTrue();
        assertThat(holds("{ attachment.name: \"*.EXE\" }", exe)).isTrue();
    }

    @Test
    void ignoresParametersOfTheDetectedType() {
        Inputs text = message().attachment("1", "", "text/plain", "text/plain; charset=UTF-8");
        assertThat(holds("{ attachment.type: text/plain }", text)).isTrue();
    }

    @Test
    void tellsDisguisedAttachmentsFromOnesThatClaimNothing() {
        Inputs lie = message().attachment("2", "invoice.pdf", "application/pdf", "application/x-dosexec");
        Inputs unknown = message().attachment("2", "tool", "application/octet-stream", "application/x-dosexec");
        assertThat(holds("{ attachment.disguised: true }", lie)).isTrue();
        assertThat(holds("{ attachment.disguised: true }", unknown)).isFalse();
    }

    @Test
    void testsSeveralPropertiesOfOneAndTheSameAttachment() {
        Inputs two = message()
                .attachment("2", "report.pdf", "application/pdf", "application/pdf")
                .attachment("3", "run.bin", "application/octet-stream", "application/x-dosexec");
        assertThat(holds("{ attachment.type: application/x-dosexec, attachment.name: \"*.pdf\" }", two)).isTrue();
        assertThat(holds("{ attachment: { type: application/x-dosexec, name: \"*.pdf\" } }", two)).isFalse();
        assertThat(holds("{ attachment: { type: application/x-dosexec, not: { declared: application/pdf } } }",
                two)).isTrue();
        assertThat(holds("{ attachment: { any: [ { name: \"*.scr\" }, { type: application/pdf } ] } }",
                two)).isTrue();
    }

    @Test
    void matchesDataLossRulesByName() {
        Inputs dlp = message().report("dlp", new Finding.DataMatch("credit-card", "1", 3));
        assertThat(holds("{ dlp.match: any }", dlp)).isTrue();
        assertThat(holds("{ dlp.match: [ iban, credit-card ] }", dlp)).isTrue();
        assertThat(holds("{ dlp.match: iban }", dlp)).isFalse();
        assertThat(holds("{ finding.dlp.match: { above: 2 } }", dlp)).isTrue();
    }

    @Test
    void testsAPlugInsFactsByExistenceValueAndRegex() {
        Inputs fact = message().report("subject", Finding.of("subject.match", "Your invoice 4711"));
        assertThat(holds("{ finding: subject.match }", fact)).isTrue();
        assertThat(holds("{ finding: [ phish.url, subject.match ] }", fact)).isTrue();
        assertThat(holds("{ finding.subject.match: { exists: true } }", fact)).isTrue();
        assertThat(holds("{ finding.subject.match: { exists: false } }", fact)).isFalse();
        assertThat(holds("{ finding.subject.match: { equals: Your invoice 4711 } }", fact)).isTrue();
        assertThat(holds("{ finding.subject.match: { matches: \"invoice \\\\d+\" } }", fact)).isTrue();
        assertThat(holds("{ finding.subject.match: { matches: receipt } }", fact)).isFalse();
        assertThat(holds("{ finding.phish.url: { exists: false } }", fact)).isTrue();
    }

    @Test
    void comparesAPlugInsScoresAndNumericFacts() {
        Inputs scored = message()
                .report("phish", new Finding.Score("phish.score", 0.93, List.of("LOOKALIKE_DOMAIN")))
                .report("rbl", Finding.of("rbl.hits", "3"));
        assertThat(holds("{ finding.phish.score: { above: 0.9 } }", scored)).isTrue();
        assertThat(holds("{ finding.phish.score: { above: 0.95 } }", scored)).isFalse();
        assertThat(holds("{ finding.rbl.hits: { above: 2, below: 4 } }", scored)).isTrue();
    }

    @Test
    void testsPlugInFactsAtEarlyStages() {
        Inputs listed = message().at(Stage.CONNECT).report("dnsbl", Finding.of("dnsbl.listed", "zen"));
        assertThat(holds("{ finding: dnsbl.listed }", listed, "stage: connect")).isTrue();
    }
}
