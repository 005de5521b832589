package org.portcullis.gateway.smtp;

import java.net.InetAddress;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import org.portcullis.gateway.chain.Gate;
import org.portcullis.gateway.auth.Authenticator;
import org.portcullis.gateway.config.SmtpConfig;
import org.portcullis.gateway.envelope.QueueIdGenerator;
import org.portcullis.gateway.relay.PathParser;
import org.portcullis.gateway.relay.RelayControl;
import org.portcullis.gateway.spool.Spool;
import io.netty.handler.ssl.SslContext;

/**
 * What every SMTP session of one server shares.
 *
 * @param hostname      the name in the greeting and the Received header
 * @param config        limits and timeouts
 * @param tls           the STARTTLS context, or null when STARTTLS is not offered
 * @param authenticator checks AUTH credentials, or null when AUTH is not offered
 * @param reverseName   the client's verified reverse name; the future never fails
 * @param gate          the filter chains and policy now in force (a reload replaces them; a
 *                      session keeps the ones it started with)
 * @param archives      where the policy's copy_to_archive puts copies
 */
public record SmtpServerContext(
        String hostname,
        SmtpConfig config,
        Spool spool,
        PathParser paths,
        RelayControl relay,
        SslContext tls,
        Authenticator authenticator,
        Function<InetAddress, CompletableFuture<Optional<String>>> reverseName,
        QueueIdGenerator queueIds,
        Clock clock,
        Supplier<Gate> gate,
        org.portcullis.gateway.archive.Archives archives) {
}
