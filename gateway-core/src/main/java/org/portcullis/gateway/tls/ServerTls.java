package org.portcullis.gateway.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLException;
import org.portcullis.gateway.config.ConfigException;
import org.portcullis.gateway.config.TlsConfig;

/**
 * The SMTP server's TLS context for STARTTLS: the configured PEM certificate chain and key, or
 * a self-signed certificate for the host name.
 *
 * @param context     what the SMTP sessions hand to their SslHandler
 * @param description for the start-up banner, e.g. {@code certificate /etc/…/cert.pem}
 */
public record ServerTls(SslContext context, String description) {

    public static ServerTls create(TlsConfig config, String hostname) throws ConfigException {
        try {
            SslContextBuilder builder;
            String description;
            if (config.selfSigned()) {
                SelfSignedCertificate self = SelfSignedCertificate.generate(hostname);
                builder = SslContextBuilder.forServer(self.keyPair().getPrivate(), new X509Certificate[] {self.certificate()});
                description = "self-signed certificate for " + hostname;
            } else {
                builder = SslContextBuilder.forServer(config.certificate().toFile(), config.key().toFile());
                description = "certificate " + config.certificate();
            }
            SslContext context = builder.sslProvider(SslProvider.JDK)
                    .protocols(config.protocols().toArray(String[]::new))
                    .build();
            return new ServerTls(context, description);
        } catch (SSLException | IllegalArgumentException e) {
            String file = config.selfSigned() ? "tls" : String.valueOf(config.certificate());
            throw new ConfigException(file, 0, "cannot use the TLS certificate and key: " + e.getMessage()
                    + " (tls.certificate must be a PEM certificate chain, tls.key a PEM PKCS#8 private key)");
        }
    }
}
