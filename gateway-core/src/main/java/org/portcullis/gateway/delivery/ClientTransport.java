package org.portcullis.gateway.delivery;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import org.portcullis.gateway.net.Transports;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * The client side's own small event loop group and its TLS context. Sessions talk through it;
 * nothing else runs on its threads.
 */
final class ClientTransport implements AutoCloseable {

    private final EventLoopGroup group;
    private final SslContext tls;

    ClientTransport(int threads) {
        // NIO is enough: its FileRegion goes through FileChannel.transferTo, i.e. sendfile(2).
        this.group = Transports.group(threads, new DefaultThreadFactory("delivery-io", true));
        try {
            // Opportunistic and required STARTTLS both encrypt without checking the certificate
            // (Postfix's "may" and "encrypt" levels): most MX hosts present certificates no one
            // could verify, and a failed check would only push the mail back to clear text.
            this.tls = SslContextBuilder.forClient()
                    .trustManager(InsecureTrustManagerFactory.INSTANCE)
                    .endpointIdentificationAlgorithm(null)
                    .protocols("TLSv1.3", "TLSv1.2")
                    .build();
        } catch (SSLException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new IllegalStateException("the JDK cannot make a TLS client context", e);
        }
    }

    /** Connects and installs the pipeline; the future fails with the connect error. */
    CompletableFuture<Channel> connect(InetSocketAddress address, Duration timeout, ChannelInitializer<Channel> pipeline) {
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(Transports.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(pipeline);
        CompletableFuture<Channel> connected = new CompletableFuture<>();
        ChannelFuture future = bootstrap.connect(address);
        future.addListener(f -> {
            if (f.isSuccess()) {
                connected.complete(future.channel());
            } else {
                connected.completeExceptionally(f.cause());
            }
        });
        return connected;
    }

    SslContext tls() {
        return tls;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
