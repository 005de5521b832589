package org.portcullis.gateway.milter;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.filter.Connection;
import org.portcullis.filter.Envelope;
import org.portcullis.filter.MailFilter;
import org.portcullis.filter.Mutation;
import org.portcullis.filter.StageResult;

/**
 * opendkim in signing mode on a loopback port, with a key the test generates. The signature
 * that comes back as a header mutation is applied to the message the way the gateway writes
 * header fields and then checked by a second, independent DKIM implementation (python3-dkim),
 * which takes the public key from opendkim-genkey's TXT file instead of DNS.
 */
class MilterOpendkimTest {

    private static final String PYTHON = "/usr/bin/python3";

    @TempDir
    static Path dir;

    private static Daemon opendkim;
    private static int port;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    // opendkim signs for its InternalHosts, 127.0.0.1 by default.
    private final Connection client = Messages.connection("127.0.0.1", 40001);

    @BeforeAll
    static void startSigner() throws Exception {
        Daemon.require("/usr/sbin/opendkim", "opendkim");
        Daemon.require("/usr/sbin/opendkim-genkey", "opendkim-tools");
        Daemon.requireFile("/usr/lib/python3/dist-packages/dkim/__init__.py", "python3-dkim");
        Process genkey = new ProcessBuilder("/usr/sbin/opendkim-genkey", "-D", dir.toString(), "-d", "example.test",
                "-s", "sel", "-b", "1024").redirectErrorStream(true).start();
        assertThat(genkey.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(genkey.exitValue()).as(new String(genkey.getInputStream().readAllBytes())).isZero();
        port = Daemon.freePort();
        // Simple canonicalisation, the strictest: the signature field must come back with exactly
        // the folds opendkim gave it, which the filter API carries as CRLF folds.
        Path conf = Files.writeString(dir.resolve("opendkim.conf"), String.join("\n",
                "Mode s",
                "Domain example.test",
                "Selector sel",
                "KeyFile " + dir.resolve("sel.private"),
                "Socket inet:" + port + "@127.0.0.1",
                "Canonicalization simple/simple",
                "Background false",
                "Syslog false",
                "RequireSafeKeys false",
                "PidFile " + dir.resolve("opendkim.pid"),
                ""));
        opendkim = Daemon.start("opendkim", List.of("/usr/sbin/opendkim", "-f", "-x", conf.toString()), dir,
                new MilterAddress.Inet("127.0.0.1", port), Duration.ofSeconds(20));
    }

    @AfterAll
    static void stopSigner() {
        if (opendkim != null) {
            opendkim.close();
        }
    }

    private StageResult sign(Messages.Message message) {
        MilterSettings settings = MilterSettings.defaults("opendkim", new MilterAddress.Inet("127.0.0.1", port), "gw.example");
        MailFilter session = new MilterFilter(settings, registry).forSession();
        Envelope env = message.envelope();
        try {
            session.onConnect(client);
            session.onHelo(client);
            session.onMailFrom(env);
            session.onRcptTo(env, env.recipients().getFirst());
            session.onHeaders(env, message.headers());
            return session.onEndOfMessage(message);
        } finally {
            session.close();
        }
    }

    private static int verify(byte[] message) throws Exception {
        Path script = Path.of(MilterOpendkimTest.class.getResource("/milter/dkim_verify.py").toURI());
        Path file = Files.write(dir.resolve("signed-" + System.nanoTime() + ".eml"), message);
        Process p = new ProcessBuilder(PYTHON, script.toString(), "sel._domainkey.example.test",
                dir.resolve("sel.txt").toString()).redirectInput(file.toFile()).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(out).as("verifier output").isIn("valid", "invalid");
        return p.exitValue();
    }

    @Test
    void signsTheMessageAndTheAppliedSignatureVerifies() throws Exception {
        Envelope env = Messages.envelope(client, "a@example.test", Map.of(), "u@example.com");
        var message = Messages.message(env, "From: Alice <a@example.test>\r\nTo: u@example.com\r\n"
                + "Subject: a folded\r\n\tsubject line\r\nDate: Tue, 1 Dec 2026 08:00:00 +0000\r\n"
                + "Message-ID: <dkim-1@example.test>\r\n\r\nline one\r\nline two\r\n\r\n");

        StageResult result = sign(message);

        assertThat(result.verdict()).contains(new org.portcullis.filter.Verdict.Accept());
        List<Mutation> signatures = result.mutations().stream().filter(m -> switch (m) {
            case Mutation.AddHeader h -> h.name().equals("DKIM-Signature");
            case Mutation.InsertHeader h -> h.name().equals("DKIM-Signature");
            default -> false;
        }).toList();
        assertThat(signatures).hasSize(1);
        assertThat(signatures.getFirst().toString()).contains("d=example.test", "s=sel", "c=simple/simple");
        byte[] signed = Messages.apply(message.bytes(), signatures);
        assertThat(verify(signed)).as("the signed message verifies").isZero();

        byte[] tampered = new String(signed, StandardCharsets.UTF_8).replace("line two", "line 2").getBytes(StandardCharsets.UTF_8);
        assertThat(verify(tampered)).as("a changed body does not").isOne();
        assertThat(registry.find(MilterMetrics.MODIFICATIONS).tags("milter", "opendkim").counter().count()).isEqualTo(1);
    }
}
