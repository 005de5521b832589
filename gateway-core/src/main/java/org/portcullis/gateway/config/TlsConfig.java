package org.portcullis.gateway.config;

import java.nio.file.Path;
import java.util.List;

/**
 * TLS for the SMTP server (STARTTLS).
 *
 * @param certificate {@code tls.certificate}: PEM certificate chain; null to generate a
 *                    self-signed certificate for the host name at start
 * @param key         {@code tls.key}: PEM private key (PKCS#8); null with a null certificate
 * @param protocols   {@code tls.protocols}: protocol versions offered
 */
public record TlsConfig(Path certificate, Path key, List<String> protocols) {

    public TlsConfig {
        protocols = List.copyOf(protocols);
    }

    public static TlsConfig defaults() {
        return new TlsConfig(null, null, List.of("TLSv1.3", "TLSv1.2"));
    }

    public boolean selfSigned() {
        return certificate == null;
    }
}
