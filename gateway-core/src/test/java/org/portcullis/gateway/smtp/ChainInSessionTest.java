package org.portcullis.gateway.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.gateway.chain.FilterCatalog;
import org.portcullis.gateway.chain.FilterChain;
import org.portcullis.gateway.chain.Gate;
import org.portcullis.gateway.chain.Judge;
import org.portcullis.gateway.config.ConfigLoader;
import org.portcullis.gateway.config.SmtpConfig;
import org.portcullis.gateway.relay.Cidr;

/** The filter chain answering at the SMTP stages, through a real session and a real chain. */
class ChainInSessionTest {

    @TempDir
    Path dir;

    private SessionHarness session(String filters) throws Exception {
        Path file = Files.writeString(dir.resolve("gw.yaml"), """
                listeners:
                  - address: 127.0.0.1:0
                filters:
                  inbound:
                """ + filters.indent(4));
        var config = new ConfigLoader(Cidr::parse).load(file);
        var registry = new SimpleMeterRegistry();
        FilterChain chain = FilterChain.build(config.chain(), FilterCatalog.load(null), registry);
        SessionHarness s = new SessionHarness(SmtpConfig.defaults(), "198.51.100.7", null, null,
                new Gate(chain, Judge.proposals()));
        return s;
    }

    @Test
    void aFilterCanRefuseTheConnection() throws Exception {
        SessionHarness s = session("- type: scripted\n  reject_client: 198.51.100.7\n");
        assertThat(s.awaitReplies(1)).isEqualTo("554 5.7.1 go away\r\n");
        assertThat(s.channel.isActive()).isFalse();
    }

    @Test
    void aFilterCanRefuseAHeloNameAndTheClientMayTryAgain() throws Exception {
        SessionHarness s = session("- type: scripted\n  reject_helo: evil.example\n");
        assertThat(s.awaitReplies(1)).startsWith("220 ");
        s.push("EHLO evil.example\r\n");
        assertThat(s.awaitReplies(1)).isEqualTo("550 5.7.1 HELO name refused\r\n");
        s.push("MAIL FROM:<a@sender.example.org>\r\n");
        assertThat(s.awaitReplies(1)).startsWith("503 5.5.1");
        s.push("EHLO good.example\r\n");
        assertThat(s.awaitReplies(1)).contains("250 DSN");
    }

    @Test
    void aRecipientRefusedByAFilterIsRefusedAloneAndPipelinedRepliesStayInOrder() throws Exception {
        SessionHarness s = session("- type: scripted\n  reject_rcpt: bad@example.com\n");
        s.awaitReplies(1);
        s.push("EHLO client.example\r\n");
        s.awaitReplies(1);
        s.push("MAIL FROM:<a@sender.example.org>\r\nRCPT TO:<good@example.com>\r\nRCPT TO:<bad@example.com>\r\n"
                + "RCPT TO:<other@example.com>\r\nNOOP\r\n");
        assertThat(s.awaitReplies(5)).isEqualTo("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n550 5.1.1 no such user here\r\n"
                + "250 2.1.5 Ok\r\n250 2.0.0 Ok\r\n");
    }

    @Test
    void aFailingFilterTempfailsUnlessItIsFailOpen() throws Exception {
        SessionHarness closed = session("- type: scripted\n  fail: true\n");
        closed.awaitReplies(1);
        closed.push("EHLO client.example\r\nMAIL FROM:<a@sender.example.org>\r\n");
        assertThat(closed.awaitReplies(2)).endsWith("451 4.7.1 Message filter scripted is unavailable, try again later\r\n");

        SessionHarness open = session("- type: scripted\n  fail: true\n  on_failure: accept\n");
        open.awaitReplies(1);
        open.push("EHLO client.example\r\nMAIL FROM:<a@sender.example.org>\r\n");
        assertThat(open.awaitReplies(2)).endsWith("250 2.1.0 Ok\r\n");
    }

    @Test
    void aFilterThatTakesTooLongTimesOut() throws Exception {
        SessionHarness s = session("- type: scripted\n  sleep: 5s\n  timeout: 200ms\n");
        s.awaitReplies(1);
        s.push("EHLO client.example\r\nMAIL FROM:<a@sender.example.org>\r\n");
        assertThat(s.awaitReplies(2)).endsWith("451 4.7.1 Message filter scripted is unavailable, try again later\r\n");
    }
}
