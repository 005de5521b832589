package org.portcullis.gateway.smtp;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.portcullis.gateway.config.ListenerConfig;
import org.portcullis.gateway.log.EventLog;
import org.portcullis.gateway.net.Transports;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SMTP listeners: one Netty server channel per configured address, each connection a
 * pipeline of {@link SmtpFramer} and {@link SmtpSession} (plus TLS after STARTTLS).
 */
public final class SmtpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("smtpd");

    private final SmtpServerContext context;
    private final SmtpMetrics metrics;
    private final EventLoopGroup group;
    private final List<Channel> channels = new ArrayList<>();

    public SmtpServer(SmtpServerContext context, MeterRegistry registry, EventLoopGroup group) {
        this.context = context;
        this.metrics = new SmtpMetrics(registry);
        this.group = group;
    }

    /** Binds every listener; on failure nothing stays bound. */
    public List<InetSocketAddress> start(List<ListenerConfig> listeners) throws InterruptedException {
        List<InetSocketAddress> bound = new ArrayList<>();
        ConnectionLimit limit = new ConnectionLimit();
        try {
            for (ListenerConfig listener : listeners) {
                Channel channel = new ServerBootstrap()
                        .group(group)
                        .channel(Transports.serverChannel())
                        .option(ChannelOption.SO_BACKLOG, 1024)
                        .childOption(ChannelOption.TCP_NODELAY, true)
                        .childHandler(new ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel channel) {
                                SmtpFramer framer = new SmtpFramer(context.config().maxCommandLineLength());
                                channel.pipeline().addLast("limit", limit);
                                channel.pipeline().addLast("framer", framer);
                                channel.pipeline().addLast("session", new SmtpSession(context, metrics, framer));
                            }
                        })
                        .bind(listener.host(), listener.port()).sync().channel();
                channels.add(channel);
                bound.add((InetSocketAddress) channel.localAddress());
            }
        } catch (RuntimeException | InterruptedException e) {
            close();
            throw e;
        }
        return bound;
    }

    /** Stops listening; sessions under way end with their connections. */
    @Override
    public void close() {
        for (Channel channel : channels) {
            channel.close().syncUninterruptibly();
        }
        channels.clear();
    }

    /** Turns connections away beyond {@code smtp.max_connections}, before any session starts. */
    @ChannelHandler.Sharable
    private final class ConnectionLimit extends ChannelInboundHandlerAdapter {

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (metrics.activeSessions.get() >= context.config().maxConnections()) {
                metrics.limit(SmtpMetrics.Limit.CONNECTIONS);
                EventLog.warn(LOG, null, "too_many_connections", "client",
                        String.valueOf(ctx.channel().remoteAddress()), "limit", context.config().maxConnections());
                ctx.pipeline().remove("session");
                ctx.writeAndFlush(ByteBufUtil.writeAscii(ctx.alloc(), "421 4.7.0 " + context.hostname()
                        + " Error: too many connections, try again later\r\n")).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            ctx.pipeline().remove(this);
            ctx.fireChannelActive();
        }
    }
}
