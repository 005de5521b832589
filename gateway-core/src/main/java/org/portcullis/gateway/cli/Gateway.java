package org.portcullis.gateway.cli;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.portcullis.gateway.auth.Authenticator;
import org.portcullis.gateway.auth.UsersFile;
import java.util.concurrent.atomic.AtomicReference;
import org.portcullis.gateway.chain.FilterCatalog;
import org.portcullis.gateway.chain.FilterChain;
import org.portcullis.gateway.chain.Gate;
import java.nio.file.Path;
import org.portcullis.gateway.chain.PolicyJudge;
import org.portcullis.policy.Policy;
import org.portcullis.policy.PolicyException;
import org.portcullis.gateway.config.ConfigException;
import org.portcullis.gateway.config.GatewayConfig;
import org.portcullis.gateway.delivery.RoutingDeliveryAgent;
import org.portcullis.gateway.dns.MxResolver;
import org.portcullis.gateway.net.Transports;
import org.portcullis.gateway.queue.MailQueue;
import org.portcullis.gateway.relay.ConfiguredRelayControl;
import org.portcullis.gateway.relay.SmtpPathParser;
import org.portcullis.gateway.smtp.SmtpServer;
import org.portcullis.gateway.smtp.SmtpServerContext;
import org.portcullis.gateway.spool.RecoveryReport;
import org.portcullis.gateway.tls.ServerTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where the gateway is wired together from its configuration, by hand: DNS,
 * delivery, the spool and queue, TLS, AUTH, relay control, and last the SMTP listeners — so
 * nothing is accepted before the queue can take it.
 */
final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("portcullis");

    private final RoutingDeliveryAgent delivery;
    private final MailQueue queue;
    private final EventLoopGroup smtpLoops;
    private final SmtpServer server;
    private final org.portcullis.gateway.milter.MilterServer milterServer;
    private final AtomicReference<Gate> gate;
    private final java.nio.file.Path configFile;
    private final MeterRegistry registry;

    private Gateway(RoutingDeliveryAgent delivery, MailQueue queue, EventLoopGroup smtpLoops, SmtpServer server,
                    org.portcullis.gateway.milter.MilterServer milterServer, AtomicReference<Gate> gate,
                    java.nio.file.Path configFile, MeterRegistry registry) {
        this.delivery = delivery;
        this.queue = queue;
        this.smtpLoops = smtpLoops;
        this.server = server;
        this.milterServer = milterServer;
        this.gate = gate;
        this.configFile = configFile;
        this.registry = registry;
    }

    /**
     * Reads the configuration file again and puts its filter chains and policy in force for new
     * sessions; sessions under way finish with what they started with. A file with a mistake
     * changes nothing. Other settings (listeners, limits, routes) take effect at the next start.
     *
     * @return whether the new chain and policy are in force
     */
    synchronized boolean reload() {
        GatewayConfig fresh;
        try {
            fresh = configFile == null ? new org.portcullis.gateway.config.ConfigLoader(
                    org.portcullis.gateway.relay.Cidr::parse).loadDefault()
                    : new org.portcullis.gateway.config.ConfigLoader(org.portcullis.gateway.relay.Cidr::parse)
                            .load(configFile);
            Gate next = new Gate(buildChain(fresh, registry), judge(fresh));
            Gate old = gate.getAndSet(next);
            old.chain().retire();
            LOG.info("reloaded: filters inbound {} outbound {}; policy {}", next.chain().names(
                    org.portcullis.filter.Direction.INBOUND), next.chain().names(org.portcullis.filter.Direction.OUTBOUND),
                    fresh.chain().policy() == null ? "(shipped default)" : fresh.chain().policy());
            return true;
        } catch (ConfigException e) {
            LOG.error("reload refused, the running configuration stays: {}", e.getMessage());
            return false;
        }
    }

    /** The policy the configuration names (the shipped default when none), checked against the routes and archives. */
    static PolicyJudge judge(GatewayConfig config) throws ConfigException {
        Path file = config.chain().policy();
        try {
            Policy policy = file == null ? Policy.defaultPolicy() : Policy.load(file);
            java.util.Set<String> routes = new java.util.HashSet<>();
            config.routes().forEach(r -> {
                if (r.name() != null) {
                    routes.add(r.name());
                }
            });
            policy.requireKnownNames(routes, config.chain().archives().keySet());
            return new PolicyJudge(policy);
        } catch (PolicyException e) {
            throw new ConfigException(e.file(), e.line(), e.problem());
        }
    }

    /** What must load besides the YAML itself: the TLS certificate and key, and the users file. */
    static void checkResources(GatewayConfig config) throws ConfigException {
        ServerTls.create(config.tls(), config.hostname());
        if (config.auth().enabled()) {
            UsersFile.load(config.auth().usersFile());
        }
        new ConfiguredRelayControl(config.relay(), config.hostname(), config.smtp().requireFqdnSender(),
                new SimpleMeterRegistry());
        judge(config);
        try (FilterChain chain = buildChain(config, new SimpleMeterRegistry())) {
            // built only to be checked: every filter read its settings
        }
    }

    static FilterChain buildChain(GatewayConfig config, MeterRegistry registry) throws ConfigException {
        FilterCatalog catalog;
        try {
            catalog = FilterCatalog.load(config.chain().plugins());
        } catch (IOException | IllegalStateException e) {
            throw new ConfigException(String.valueOf(config.chain().plugins()), 0, "cannot load plug-ins: "
                    + e.getMessage());
        }
        return FilterChain.build(config.chain(), catalog, registry);
    }

    /**
     * @param configFile the file the configuration came from (null for the embedded default),
     *                   read again by {@link #reload()}
     */
    static Gateway start(GatewayConfig config, String configName, java.nio.file.Path configFile)
            throws ConfigException, IOException, InterruptedException {
        MeterRegistry registry = new SimpleMeterRegistry();
        // Plug-ins made by ServiceLoader (no-argument constructors) count into the global registry.
        io.micrometer.core.instrument.Metrics.addRegistry(registry);
        ServerTls tls = ServerTls.create(config.tls(), config.hostname());
        Authenticator users = config.auth().enabled() ? UsersFile.load(config.auth().usersFile()) : null;
        var relay = new ConfiguredRelayControl(config.relay(), config.hostname(), config.smtp().requireFqdnSender(),
                registry);
        FilterChain chain = buildChain(config, registry);
        AtomicReference<Gate> gate = new AtomicReference<>(new Gate(chain, judge(config)));
        MxResolver dns = new MxResolver(config.dns(), registry);
        RoutingDeliveryAgent delivery = new RoutingDeliveryAgent(config, registry, dns);
        MailQueue queue = null;
        EventLoopGroup loops = null;
        org.portcullis.gateway.milter.MilterServer milter = null;
        try {
            queue = MailQueue.open(config, delivery, registry, Clock.systemDefaultZone());
            RecoveryReport recovered = queue.start();
            var context = new SmtpServerContext(config.hostname(), config.smtp(), queue.spool(),
                    new SmtpPathParser(config.hostname(), registry), relay, tls.context(), users,
                    reverseNames(config, dns), queue.queueIds(), Clock.systemDefaultZone(), gate::get,
                    new org.portcullis.gateway.archive.Archives(config.chain().archives(), config.hostname()));
            loops = Transports.group(Math.max(1, Runtime.getRuntime().availableProcessors()),
                    new DefaultThreadFactory("smtpd"));
            SmtpServer server = new SmtpServer(context, registry, loops);
            List<InetSocketAddress> bound = bind(server, config);
            if (config.milterServer().isPresent()) {
                // The same chains and policy as the SMTP listeners, for an MTA that calls us as a milter.
                milter = new org.portcullis.gateway.milter.MilterServer(new org.portcullis.gateway.milter.MilterServerContext(
                        config.milterServer().get(), gate::get, relay, queue.queueIds(),
                        Path.of(System.getProperty("java.io.tmpdir"))), registry);
                try {
                    milter.start();
                } catch (IOException e) {
                    server.close();
                    throw new IOException("cannot listen for milter connections on "
                            + config.milterServer().get().address().text() + ": " + e.getMessage(), e);
                }
            }
            LOG.info("Portcullis started on Java {} ({}) with {}", Runtime.version().feature(), Transports.name(),
                    configName);
            Banner.describe(config).forEach(line -> LOG.info(line));
            LOG.info("bound:      {}", bound.stream().map(a -> Banner.hostPort(a.getAddress().getHostAddress(), a.getPort()))
                    .toList());
            LOG.info("queue:      {} active, {} deferred, {} held{}", recovered.active(), recovered.deferred(),
                    recovered.held(), recovered.corrupt() == 0 ? "" : ", " + recovered.corrupt()
                            + " unreadable files set aside in corrupt/");
            return new Gateway(delivery, queue, loops, server, milter, gate, configFile, registry);
        } catch (IOException | RuntimeException | InterruptedException e) {
            if (milter != null) {
                milter.close();
            }
            if (queue != null) {
                queue.close();
            }
            if (loops != null) {
                loops.shutdownGracefully();
            }
            delivery.close();
            chain.close();
            throw e;
        }
    }

    private static List<InetSocketAddress> bind(SmtpServer server, GatewayConfig config)
            throws IOException, InterruptedException {
        try {
            return server.start(config.listeners());
        } catch (RuntimeException e) {
            // Netty rethrows the socket's bind error unchecked; say which listener and why.
            Throwable cause = e;
            while (cause.getCause() != null && !(cause instanceof java.net.BindException)) {
                cause = cause.getCause();
            }
            if (cause instanceof IOException io) {
                throw new IOException("cannot listen on " + config.listeners().stream()
                        .map(l -> Banner.hostPort(l.host(), l.port())).toList() + ": " + io.getMessage(), io);
            }
            throw e;
        }
    }

    /** The client's verified name; loopback clients are {@code localhost} without asking DNS. */
    private static Function<InetAddress, CompletableFuture<Optional<String>>> reverseNames(GatewayConfig config,
                                                                                        MxResolver dns) {
        if (!config.dns().reverseLookup()) {
            return address -> CompletableFuture.completedFuture(
                    address.isLoopbackAddress() ? Optional.of("localhost") : Optional.empty());
        }
        return address -> address.isLoopbackAddress()
                ? CompletableFuture.completedFuture(Optional.of("localhost"))
                : dns.reverseName(address);
    }

    /** Stops listening, lets deliveries under way finish (bounded), and closes the queue. */
    @Override
    public void close() {
        LOG.info("stopping: no new connections; finishing deliveries under way");
        if (milterServer != null) {
            milterServer.close();
        }
        server.close();
        queue.close();
        delivery.close();
        smtpLoops.shutdownGracefully().syncUninterruptibly();
        gate.get().chain().close();
        LOG.info("stopped");
    }
}
