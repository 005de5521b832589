package org.portcullis.gateway.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SaslExchangeTest {

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void plainWithAnInitialResponseGivesTheCredentials() {
        var step = SaslExchange.forMechanism("plain").begin(b64("\0alice\0pw"));
        assertThat(step).isInstanceOfSatisfying(SaslExchange.Step.Credentials.class, c -> {
            assertThat(c.user()).isEqualTo("alice");
            assertThat(new String(c.password())).isEqualTo("pw");
        });
    }

    @Test
    void plainRefusesActingForSomeoneElse() {
        assertThat(SaslExchange.forMechanism("PLAIN").begin(b64("bob\0alice\0pw")))
                .isEqualTo(new SaslExchange.Step.Failed(SmtpReply.of(535, "5.7.8", "Authentication credentials invalid")));
    }

    @Test
    void loginAsksForUserThenPassword() {
        SaslExchange login = SaslExchange.forMechanism("LOGIN");
        assertThat(login.begin(null)).isEqualTo(new SaslExchange.Step.Challenge("VXNlcm5hbWU6"));
        assertThat(login.respond(b64("alice"))).isEqualTo(new SaslExchange.Step.Challenge("UGFzc3dvcmQ6"));
        assertThat(login.respond(b64("pw"))).isInstanceOf(SaslExchange.Step.Credentials.class);
    }

    @Test
    void anAsteriskAbortsAndBadBase64IsRefused() {
        assertThat(SaslExchange.forMechanism("LOGIN").begin("*"))
                .isEqualTo(new SaslExchange.Step.Failed(SmtpReply.of(501, "5.0.0", "Authentication aborted")));
        assertThat(SaslExchange.forMechanism("PLAIN").begin("!!!"))
                .isInstanceOfSatisfying(SaslExchange.Step.Failed.class, f -> assertThat(f.reply().code()).isEqualTo(501));
        assertThat(SaslExchange.forMechanism("CRAM-MD5")).isNull();
    }
}
