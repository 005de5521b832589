package org.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.policy.Inputs.message;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.portcullis.filter.Stage;
import org.portcullis.filter.Verdict;

class MessageConditionsTest {

    private static boolean holds(String when, Inputs input, String... extra) {
        return Policies.acceptWhen(when, extra).decide(input.build()).verdict() instanceof Verdict.Accept;
    }


    @Test
    void comparesTheSizeWithSuffixes() {
        assertThat(holds("{ size: { above: 1m } }", message().size(1_048_577))).isTrue();
        assertThat(holds("{ size: { above: 1m } }", message().size(1_048_576))).isFalse();
        assertThat(holds("{ size: { below: 10k } }", message().size(10_239))).isTrue();
        assertThat(holds("{ size: { above: 1k, below: 2k } }", message().size(1500))).isTrue();
        assertThat(holds("{ size: { above: 1k, below: 2k } }", message().size(3000))).isFalse();
    }

    @Test
    void judgesTheDeclaredSizeBeforeTheMessageIsThere() {
        Inputs in = message().at(Stage.MAIL_FROM).declaredSize(50_000_000);
        assertThat(holds("{ size: { above: 20m } }", in, "stage: mail_from")).isTrue();
        assertThat(holds("{ size: { above: 20m } }", message().at(Stage.MAIL_FROM), "stage: mail_from")).isFalse();
    }

    @Test
    void testsHeadersByNameWithARegex() {
        Inputs in = message().header("X-Mailer", "PHPMailer 5.2");
        assertThat(holds("{ header.x-mailer: { matches: \"^phpmailer\" } }", in)).isTrue();
        assertThat(holds("{ header.X-Mailer: { matches: /Outlook/ } }", in)).isFalse();
        assertThat(holds("{ header.Subject: { equals: Hello } }", in)).isTrue();
        assertThat(holds("{ header.List-Id: { exists: true } }", in)).isFalse();
        assertThat(holds("{ header.List-Id: { exists: false } }", in)).isTrue();
    }
}
