package org.portcullis.gateway.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.portcullis.gateway.config.SmtpConfig;

class SmtpSessionTest {

    private static SmtpConfig limits(long maxSize, int maxRcpt, int maxLine, int maxHeader, int maxErrors) {
        SmtpConfig d = SmtpConfig.defaults();
        return new SmtpConfig(maxSize, maxRcpt, maxLine, maxHeader, d.maxConnections(), d.maxCommands(), maxErrors,
                true, Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofMinutes(30));
    }

    @Test
    void greetsAndAnnouncesItsExtensionsWithoutEnhancedCodesInEhlo() {
        SessionHarness s = new SessionHarness();
        assertThat(s.replies()).isEqualTo("220 gw.portcullis.test ESMTP Portcullis\r\n");
        String ehlo = s.command("EHLO client.example");
        assertThat(ehlo).startsWith("250-gw.portcullis.test Hello client.example [198.51.100.7]\r\n")
                .contains("250-PIPELINING\r\n", "250-SIZE 52428800\r\n", "250-8BITMIME\r\n", "250-SMTPUTF8\r\n",
                        "250-ENHANCEDSTATUSCODES\r\n", "250-CHUNKING\r\n")
                .endsWith("250 DSN\r\n")
                .doesNotContain("STARTTLS").doesNotContain("AUTH");
    }

    @Test
    void acceptsAMessageAndSaysQueuedOnlyAfterTheCommit() {
        SessionHarness s = new SessionHarness();
        s.replies();
        s.autoCommit = false;
        assertThat(s.ehloMailRcpt()).contains("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n");
        assertThat(s.command("DATA")).isEqualTo("354 End data with <CR><LF>.<CR><LF>\r\n");
        assertThat(s.send("Subject: hi\r\n\r\nbody\r\n.\r\nNOOP\r\n")).as("nothing before the commit").isEmpty();
        assertThat(s.spool.pending).hasSize(1);
        s.spool.completePending();
        s.settle();
        assertThat(s.replies()).matches("250 2\\.0\\.0 Ok: queued as [0-9A-Z]{11}\r\n250 2\\.0\\.0 Ok\r\n");
        assertThat(s.spool.lastClientContent()).isEqualTo("Subject: hi\r\n\r\nbody\r\n");
    }

    @Test
    void writesAReceivedHeaderWithTheQueueIdFirst() {
        SessionHarness s = new SessionHarness();
        s.ehloMailRcpt();
        s.command("DATA");
        String reply = s.send("Subject: hi\r\n\r\nbody\r\n.\r\n");
        String queueId = reply.substring(reply.indexOf("queued as ") + 10).strip();
        assertThat(s.spool.lastContent()).startsWith(
                "Received: from client.example (client.example [198.51.100.7])\r\n"
                        + "\tby gw.portcullis.test (Portcullis) with ESMTP id " + queueId + "\r\n"
                        + "\tfor <user@example.com>; Tue, 1 Dec 2026 10:00:00 +0000\r\n"
                        + "Subject: hi\r\n");
        assertThat(s.spool.stored.get(0).envelope().queueId().value()).isEqualTo(queueId);
    }

    @Test
    void answersPipelinedCommandsInOrder() {
        SessionHarness s = new SessionHarness();
        s.replies();
        s.command("EHLO client.example");
        String replies = s.send("MAIL FROM:<a@sender.example.org>\r\nRCPT TO:<one@example.com>\r\n"
                + "RCPT TO:<two@elsewhere.example>\r\nRCPT TO:<three@example.com>\r\nDATA\r\n");
        assertThat(replies).isEqualTo("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n"
                + "554 5.7.1 <two@elsewhere.example>: Relay access denied\r\n250 2.1.5 Ok\r\n"
                + "354 End data with <CR><LF>.<CR><LF>\r\n");
        assertThat(s.send(".\r\n")).startsWith("250 2.0.0 Ok: queued as ");
        assertThat(s.spool.stored.get(0).envelope().recipients()).extracting(r -> r.address().toString())
                .containsExactly("one@example.com", "three@example.com");
    }

    @Test
    void takesBdatChunksAsTheyAreAndQueuesOnLast() {
        SessionHarness s = new SessionHarness();
        s.ehloMailRcpt();
        String first = "Subject: b\r\n\r\n.line one\r\n";
        String second = "..line two\r\n";
        String replies = s.send("BDAT " + first.length() + "\r\n" + first + "BDAT " + second.length() + " LAST\r\n" + second);
        assertThat(replies).startsWith("250 2.0.0 Ok: " + first.length() + " octets received\r\n250 2.0.0 Ok: queued as ");
        assertThat(s.spool.lastClientContent()).isEqualTo(first + second);
    }

    @Test
    void bdatWithoutATransactionStillConsumesItsBytes() {
        SessionHarness s = new SessionHarness();
        s.command("EHLO client.example");
        assertThat(s.send("BDAT 10 LAST\r\nNOOP\r\nNOOPNOOP\r\n"))
                .isEqualTo("503 5.5.1 Error: need MAIL command\r\n250 2.0.0 Ok\r\n");
    }

    @Test
    void refusesDataWithoutRecipientsAndCommandsOutOfOrder() {
        SessionHarness s = new SessionHarness();
        s.replies();
        assertThat(s.command("MAIL FROM:<a@sender.example.org>")).isEqualTo("503 5.5.1 Error: send HELO/EHLO first\r\n");
        s.command("HELO client.example");
        assertThat(s.command("RCPT TO:<user@example.com>")).isEqualTo("503 5.5.1 Error: need MAIL command\r\n");
        s.command("MAIL FROM:<a@sender.example.org>");
        assertThat(s.command("MAIL FROM:<a@sender.example.org>")).startsWith("503 5.5.1");
        assertThat(s.command("DATA")).isEqualTo("554 5.5.1 Error: no valid recipients\r\n");
        assertThat(s.command("FOO")).isEqualTo("500 5.5.2 Error: command not recognized\r\n");
        assertThat(s.command("VRFY root")).startsWith("502 5.5.1");
    }

    @Test
    void refusesABareLineFeedInACommandWithoutRunningAnyOfIt() {
        SessionHarness s = new SessionHarness();
        s.command("EHLO client.example");
        assertThat(s.send("MAIL FROM:<a@sender.example.org>\nRSET\r\n"))
                .isEqualTo("500 5.5.2 Error: Bare CR or LF in command; lines end with CRLF\r\n");
        assertThat(s.command("RCPT TO:<user@example.com>")).startsWith("503 5.5.1");
        assertThat(s.send("NOOP\rNOOP\r\n")).startsWith("500 5.5.2");
    }

    @Test
    void refusesAnOverlongLineOnceAndCarriesOn() {
        SessionHarness s = new SessionHarness(limits(1 << 20, 10, 512, 4096, 20), "198.51.100.7", null, null);
        s.replies();
        String reply = s.send("NOOP " + "x".repeat(3000) + "\r\nNOOP\r\n");
        assertThat(reply).isEqualTo("500 5.5.2 Error: Line too long\r\n250 2.0.0 Ok\r\n");
        assertThat(s.registry.get("portcullis.smtp.limit").tag("limit", "line_length").counter().count()).isEqualTo(1);
    }

    @Test
    void enforcesSizeAtMailAndDuringData() {
        SessionHarness s = new SessionHarness(limits(2048, 10, 2048, 1024, 20), "198.51.100.7", null, null);
        s.command("EHLO client.example");
        assertThat(s.command("MAIL FROM:<a@sender.example.org> SIZE=4096"))
                .isEqualTo("552 5.3.4 Message size exceeds fixed limit of 2048 octets\r\n");
        s.command("MAIL FROM:<a@sender.example.org> SIZE=100");
        s.command("RCPT TO:<user@example.com>");
        s.command("DATA");
        assertThat(s.send("Subject: big\r\n\r\n" + "0123456789\r\n".repeat(300) + ".\r\n"))
                .isEqualTo("552 5.3.4 Message size exceeds fixed limit of 2048 octets\r\n");
        assertThat(s.spool.stored).isEmpty();
        assertThat(s.spool.aborted).isPositive();
        assertThat(s.command("NOOP")).as("the session goes on").startsWith("250");
    }

    @Test
    void enforcesTheHeaderSectionLimit() {
        SessionHarness s = new SessionHarness(limits(1 << 20, 10, 2048, 1024, 20), "198.51.100.7", null, null);
        s.ehloMailRcpt();
        s.command("DATA");
        assertThat(s.send("X-Long: " + "h".repeat(2000) + "\r\n\r\nbody\r\n.\r\n"))
                .startsWith("552 5.3.4 Message header section exceeds fixed limit");
        assertThat(s.spool.stored).isEmpty();
    }

    @Test
    void enforcesTheRecipientLimit() {
        SessionHarness s = new SessionHarness(limits(1 << 20, 2, 2048, 1024, 20), "198.51.100.7", null, null);
        s.command("EHLO client.example");
        s.command("MAIL FROM:<a@sender.example.org>");
        s.command("RCPT TO:<a@example.com>");
        s.command("RCPT TO:<b@example.com>");
        assertThat(s.command("RCPT TO:<c@example.com>")).isEqualTo("452 4.5.3 Error: too many recipients\r\n");
    }

    @Test
    void hangsUpAfterTooManyErrors() {
        SessionHarness s = new SessionHarness(limits(1 << 20, 2, 2048, 1024, 3), "198.51.100.7", null, null);
        s.replies();
        s.command("FOO");
        s.command("FOO");
        assertThat(s.command("FOO")).endsWith("421 4.7.0 gw.portcullis.test Error: too many errors, closing\r\n");
        assertThat(s.channel.isActive()).isFalse();
    }

    @Test
    void saysStorageIsFullWhenTheSpoolCannotWriteAndNever250() {
        SessionHarness s = new SessionHarness();
        s.spool.failBegin = new IOException("No space left on device");
        s.ehloMailRcpt();
        assertThat(s.command("DATA")).isEqualTo("452 4.3.1 Insufficient system storage, try again later\r\n");

        s.spool.failBegin = null;
        s.spool.failWrite = new IOException("No space left on device");
        s.command("MAIL FROM:<a@sender.example.org>");
        s.command("RCPT TO:<user@example.com>");
        s.command("DATA");
        assertThat(s.send("Subject: x\r\n\r\nbody\r\n.\r\n")).startsWith("452 4.3.1");

        s.spool.failWrite = null;
        s.spool.failCommit = new IOException("fsync failed");
        s.command("MAIL FROM:<a@sender.example.org>");
        s.command("RCPT TO:<user@example.com>");
        s.command("DATA");
        assertThat(s.send("Subject: x\r\n\r\nbody\r\n.\r\n")).startsWith("452 4.3.1");
        assertThat(s.spool.stored).isEmpty();
    }

    @Test
    void refusesRelayForStrangersButTakesMailForAcceptedDomains() {
        SessionHarness s = new SessionHarness();
        s.command("EHLO client.example");
        s.command("MAIL FROM:<a@sender.example.org>");
        assertThat(s.command("RCPT TO:<x@elsewhere.example>")).startsWith("554 5.7.1");
        assertThat(s.command("RCPT TO:<user%elsewhere.example@example.com>")).startsWith("553 5.7.1");
        assertThat(s.command("RCPT TO:<x@Example.COM>")).startsWith("250 2.1.5");
    }

    @Test
    void relaysForTrustedNetworks() {
        SessionHarness s = new SessionHarness(SmtpConfig.defaults(), "192.0.2.10", null, null);
        s.command("EHLO client.example");
        s.command("MAIL FROM:<a@sender.example.org>");
        assertThat(s.command("RCPT TO:<x@elsewhere.example>")).startsWith("250 2.1.5");
    }

    @Test
    void carriesDsnParametersIntoTheEnvelope() {
        SessionHarness s = new SessionHarness();
        s.command("EHLO client.example");
        assertThat(s.command("MAIL FROM:<a@sender.example.org> RET=HDRS ENVID=abc+2B1 BODY=8BITMIME")).startsWith("250");
        assertThat(s.command("RCPT TO:<user@example.com> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;user+40example.com"))
                .startsWith("250");
        assertThat(s.command("RCPT TO:<u2@example.com> NOTIFY=NEVER,SUCCESS")).startsWith("501 5.5.4");
        assertThat(s.command("RCPT TO:<u2@example.com> FOO=bar")).startsWith("555 5.5.4");
        s.command("DATA");
        s.send("Subject: x\r\n\r\n.\r\n");
        var envelope = s.spool.stored.get(0).envelope();
        assertThat(envelope.parameters().ret()).isEqualTo("HDRS");
        assertThat(envelope.parameters().envid()).isEqualTo("abc+2B1");
        assertThat(envelope.parameters().body()).isEqualTo("8BITMIME");
        assertThat(envelope.recipients().get(0).dsnNotify()).isEqualTo("SUCCESS,FAILURE");
        assertThat(envelope.recipients().get(0).dsnOrcpt()).isEqualTo("rfc822;user+40example.com");
    }

    @Test
    void requiresSmtpUtf8ForAUtf8Address() {
        SessionHarness s = new SessionHarness();
        s.command("EHLO client.example");
        assertThat(s.command("MAIL FROM:<jörg@sender.example.org>")).startsWith("553 5.6.7");
        assertThat(s.command("MAIL FROM:<jörg@sender.example.org> SMTPUTF8")).startsWith("250");
    }

    @Test
    void timesOutAnIdleClient() throws InterruptedException {
        SmtpConfig d = SmtpConfig.defaults();
        SmtpConfig fast = new SmtpConfig(d.maxMessageSize(), d.maxRecipients(), d.maxCommandLineLength(),
                d.maxHeaderSize(), d.maxConnections(), d.maxCommands(), d.maxErrors(), true,
                Duration.ofMillis(50), Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofMinutes(1));
        SessionHarness s = new SessionHarness(fast, "198.51.100.7", null, null);
        s.replies();
        TimeUnit.MILLISECONDS.sleep(120);
        s.settle();
        assertThat(s.replies()).isEqualTo("421 4.4.2 gw.portcullis.test Error: timeout exceeded, closing\r\n");
        assertThat(s.channel.isActive()).isFalse();
        assertThat(s.registry.get("portcullis.smtp.limit").tag("limit", "greeting_timeout").counter().count()).isEqualTo(1);
    }

    @Test
    void closesOnHttpRequests() {
        SessionHarness s = new SessionHarness();
        s.replies();
        assertThat(s.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("421 4.7.0");
        assertThat(s.channel.isActive()).isFalse();
    }
}
