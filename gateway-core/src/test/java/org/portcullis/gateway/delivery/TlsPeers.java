package org.portcullis.gateway.delivery;

import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import org.portcullis.gateway.it.Peers;

/** What the STARTTLS tests need beyond the shared test peers: openssl and a certificate for the sink. */
final class TlsPeers {

    private TlsPeers() {
    }

    static void requireOpenssl() {
        if (Peers.run(Duration.ofSeconds(30), "openssl", "version") != 0) {
            fail("These tests need openssl: apt-get install openssl (.ci/run installs every test prerequisite)");
        }
    }

    /** A self-signed certificate and key for the sink, made by openssl. */
    static Path[] selfSignedCertificate(Path dir) {
        requireOpenssl();
        Path cert = dir.resolve("sink-cert.pem");
        Path key = dir.resolve("sink-key.pem");
        int exit = Peers.run(Duration.ofSeconds(60), "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=sink.test");
        if (exit != 0) {
            throw new IllegalStateException("openssl could not make a certificate (exit " + exit + ")");
        }
        return new Path[] {cert, key};
    }
}
