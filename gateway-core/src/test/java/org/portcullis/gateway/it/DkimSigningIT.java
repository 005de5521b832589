package org.portcullis.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outbound mail signed by a real opendkim through the gateway's milter client: the message that
 * reaches the next hop carries a DKIM-Signature (simple/simple, the strictest canonicalisation)
 * that a DKIM verifier accepts.
 */
class DkimSigningIT {

    @Test
    void outboundMailArrivesWithAValidDkimSignature(@TempDir Path dir) throws Exception {
        Daemons.require("/usr/sbin/opendkim", "opendkim");
        Daemons.require("/usr/sbin/opendkim-genkey", "opendkim-tools");
        Daemons.require("/usr/lib/python3/dist-packages/dkim/__init__.py", "python3-dkim");
        Path keys = Files.createDirectories(dir.resolve("keys"));
        Peers.Result genkey = Peers.exec(Duration.ofSeconds(60), List.of("/usr/sbin/opendkim-genkey", "-D",
                keys.toString(), "-d", "example.org", "-s", "gw", "-b", "1024"));
        assertThat(genkey.exitCode()).as(genkey.output()).isZero();
        int port = Peers.freePort();
        Path conf = Files.writeString(keys.resolve("opendkim.conf"), String.join("\n", "Mode s", "Domain example.org",
                "Selector gw", "KeyFile " + keys.resolve("gw.private"), "Socket inet:" + port + "@127.0.0.1",
                "Canonicalization simple/simple", "Background false", "Syslog false", "RequireSafeKeys false",
                "PidFile " + keys.resolve("opendkim.pid"), ""));
        try (SinkProcess sink = SinkProcess.start(Peers.freePort(), dir.resolve("sink"));
             Daemons opendkim = Daemons.start("opendkim", List.of("/usr/sbin/opendkim", "-f", "-x", conf.toString()),
                     keys, () -> Peers.portOpen(port), Duration.ofSeconds(20));
             GatewayProcess gateway = GatewayProcess.start(dir.resolve("gw"), Configs.relayTo(sink.port, "[127.0.0.0/8]")
                     + """
                     filters:
                       outbound:
                         - type: milter
                           name: dkim
                           address: inet:127.0.0.1:%d
                     """.formatted(port))) {
            Peers.Result sent = Peers.exec(Duration.ofSeconds(60), List.of("swaks", "--server", "127.0.0.1:" + gateway.port,
                    "--from", "alice@example.org", "--to", "bob@elsewhere.example", "--header",
                    "Subject: signed on the way out, with a subject long enough to be folded by the signer maybe",
                    "--body", "Hello Bob,\r\n\r\nthis is signed.\r\n"));
            assertThat(sent.exitCode()).as(sent.output()).isZero();
            assertThat(Peers.await(Duration.ofSeconds(30), () -> !sink.messages().isEmpty())).isTrue();
            Path relayed = sink.messages().get(0);
            assertThat(Files.readString(relayed)).contains("DKIM-Signature: ").contains("c=simple/simple");

            Path verifier = Path.of(getClass().getResource("/milter/dkim_verify.py").toURI());
            Peers.Result verified = Peers.exec(Duration.ofSeconds(60), List.of("/bin/sh", "-c", Peers.PYTHON + " '"
                    + verifier + "' gw._domainkey.example.org '" + keys.resolve("gw.txt") + "' < '" + relayed + "'"));
            assertThat(verified.output().strip()).isEqualTo("valid");
            assertThat(verified.exitCode()).isZero();
        }
    }
}
