package org.portcullis.gateway.delivery;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.portcullis.gateway.config.GatewayConfig;
import org.portcullis.gateway.config.RouteConfig;
import org.portcullis.gateway.dns.MxResolver;
import org.portcullis.gateway.envelope.Envelope;
import org.portcullis.gateway.envelope.Recipient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's delivery agent: splits a request's recipients by route (first match wins),
 * delivers each group over SMTP/LMTP to the route's next hops or the domain's MX hosts, or into
 * the local Maildir when no route matches, and answers with one result per recipient, in the
 * request's order. The future always completes normally; DNS trouble, unreachable hops, 4xx
 * and timeouts are DEFERRED, 5xx and definite DNS answers FAILED.
 *
 * <p>Each delivery runs on its own virtual thread; the network I/O runs on a small Netty event
 * loop group of this agent's own, which {@link #close()} shuts down after saying QUIT to every
 * idle session.
 */
public final class RoutingDeliveryAgent implements DeliveryAgent, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RoutingDeliveryAgent.class);

    /** MX hosts listen on the SMTP port (RFC 5321 section 5.1). */
    static final int SMTP_PORT = 25;

    private static final String LOCAL_GROUP = "local";
    private static final String UNROUTED_GROUP = "unrouted";

    private final RouteTable routes;
    private final MaildirDelivery maildir;
    private final NextHopFinder finder;
    private final NextHopDelivery hops;
    private final ClientTransport transport;
    private final ConnectionPools pools;
    private final DeliveryMetrics metrics;
    private final ExecutorService threads;
    private volatile boolean closed;

    public RoutingDeliveryAgent(GatewayConfig config, MeterRegistry registry) {
        this(config, registry, new MxResolver(config.dns(), registry));
    }

    /** With a resolver shared with the rest of the gateway (e.g. for client names). */
    public RoutingDeliveryAgent(GatewayConfig config, MeterRegistry registry, MxResolver resolver) {
        this(config, registry, resolver, SMTP_PORT);
    }

    /** For tests: a resolver of their choice and MX hosts on a port other than 25. */
    RoutingDeliveryAgent(GatewayConfig config, MeterRegistry registry, MxResolver resolver, int mxPort) {
        this.routes = new RouteTable(config.routes());
        this.maildir = config.localDelivery() == null || config.localDelivery().maildir() == null
                ? null
                : new MaildirDelivery(config.localDelivery().maildir(), config.hostname());
        this.metrics = new DeliveryMetrics(registry);
        this.finder = new NextHopFinder(resolver, mxPort);
        this.transport = new ClientTransport(Math.min(2, Runtime.getRuntime().availableProcessors()));
        this.pools = new ConnectionPools(config.delivery());
        SessionOpener opener = new SessionOpener(transport, config.delivery(), config.hostname(), metrics);
        this.hops = new NextHopDelivery(opener, pools, config.delivery(), metrics);
        this.threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("delivery-", 0).factory());
    }

    @Override
    public CompletableFuture<DeliveryOutcome> deliver(DeliveryRequest request) {
        CompletableFuture<DeliveryOutcome> outcome = new CompletableFuture<>();
        if (closed) {
            outcome.complete(allDeferred(request, "4.3.2 delivery agent is shut down"));
            return outcome;
        }
        try {
            threads.execute(() -> {
                try {
                    outcome.complete(run(request));
                } catch (RuntimeException | Error e) {
                    // Whatever went wrong, the queue must hear back about every recipient.
                    log.error("queue_id={} event=delivery_bug", request.envelope().queueId(), e);
                    outcome.complete(allDeferred(request, "4.3.0 internal error in delivery: " + e));
                }
            });
        } catch (RejectedExecutionException e) {
            outcome.complete(allDeferred(request, "4.3.2 delivery agent is shut down"));
        }
        return outcome;
    }

    private DeliveryOutcome run(DeliveryRequest request) {
        List<Recipient> recipients = request.recipients();
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < recipients.size(); i++) {
            groups.computeIfAbsent(groupOf(recipients.get(i), request.envelope().route()), k -> new ArrayList<>()).add(i);
        }
        RecipientResult[] results = new RecipientResult[recipients.size()];
        Map<String, Future<List<RecipientResult>>> running = new LinkedHashMap<>();
        for (Map.Entry<String, List<Integer>> group : groups.entrySet()) {
            List<Recipient> members = group.getValue().stream().map(recipients::get).toList();
            if (groups.size() == 1) {
                place(results, group.getValue(), deliverGroup(group.getKey(), request, members));
            } else {
                try {
                    running.put(group.getKey(), threads.submit(() -> deliverGroup(group.getKey(), request, members)));
                } catch (RejectedExecutionException e) {
                    place(results, group.getValue(), deferred(members, "4.3.2 delivery agent is shut down"));
                }
            }
        }
        for (Map.Entry<String, Future<List<RecipientResult>>> task : running.entrySet()) {
            List<Integer> indexes = groups.get(task.getKey());
            List<Recipient> members = indexes.stream().map(recipients::get).toList();
            place(results, indexes, await(task.getValue(), members));
        }
        return new DeliveryOutcome(List.of(results));
    }

    /**
     * The route index, plus the domain for MX routes (each domain has its own MX hosts). A route
     * the policy named for the message wins over the domain's.
     */
    private String groupOf(Recipient recipient, String namedRoute) {
        String domain = RouteTable.normalise(recipient.address().domain());
        Optional<Integer> route = namedRoute == null ? Optional.empty() : routes.named(namedRoute);
        if (namedRoute != null && route.isEmpty()) {
            log.warn("event=unknown_route route={}: routed by domain instead", namedRoute);
        }
        return route.or(() -> routes.routeFor(domain))
                .map(i -> routes.route(i).usesMx() ? "route:" + i + ":" + domain : "route:" + i)
                .orElse(maildir != null ? LOCAL_GROUP : UNROUTED_GROUP);
    }

    private List<RecipientResult> deliverGroup(String group, DeliveryRequest request, List<Recipient> members) {
        long started = System.nanoTime();
        String protocol = "none";
        List<RecipientResult> results;
        try {
            if (group.equals(LOCAL_GROUP)) {
                protocol = "maildir";
                results = maildir.deliver(request.envelope(), members, request.content());
            } else if (group.equals(UNROUTED_GROUP)) {
                results = members.stream().map(r -> new RecipientResult(r, RecipientResult.Status.DEFERRED, "none",
                        "4.4.0 no route for domain " + r.address().domain())).toList();
            } else {
                RouteConfig route = routes.route(Integer.parseInt(group.split(":")[1]));
                protocol = route.usesMx() ? "smtp" : route.nextHops().getFirst().protocol().name().toLowerCase(Locale.ROOT);
                results = viaNetwork(route, request.envelope(), members, request.content());
            }
        } catch (RuntimeException e) {
            // A bug, not an outcome: say so loudly, but keep the mail safe in the queue.
            log.error("queue_id={} event=delivery_bug group={}", request.envelope().queueId(), group, e);
            results = deferred(members, "4.3.0 internal error in delivery: " + e);
        }
        for (RecipientResult result : results) {
            metrics.recipient(result.status(), protocol);
        }
        metrics.deliveryTime(protocol, Duration.ofNanos(System.nanoTime() - started));
        return results;
    }

    private List<RecipientResult> viaNetwork(RouteConfig route, Envelope envelope, List<Recipient> members,
                                             MessageContent content) {
        String domain = members.getFirst().address().domain();
        return switch (finder.forRoute(route, domain)) {
            case NextHopFinder.Candidates.Hops found -> hops.deliver(found.hops(), route.tls(), envelope, members, content);
            case NextHopFinder.Candidates.NoHop none -> members.stream()
                    .map(r -> new RecipientResult(r, none.status(), "none", none.explanation()))
                    .toList();
        };
    }

    private List<RecipientResult> await(Future<List<RecipientResult>> task, List<Recipient> members) {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            task.cancel(true);
            return deferred(members, "4.3.2 delivery stopped");
        } catch (java.util.concurrent.ExecutionException e) {
            return deferred(members, "4.3.0 internal error in delivery: " + e.getCause());
        }
    }

    private static void place(RecipientResult[] results, List<Integer> indexes, List<RecipientResult> groupResults) {
        for (int n = 0; n < indexes.size(); n++) {
            results[indexes.get(n)] = groupResults.get(n);
        }
    }

    private static List<RecipientResult> deferred(List<Recipient> members, String explanation) {
        return members.stream()
                .map(r -> new RecipientResult(r, RecipientResult.Status.DEFERRED, "none", explanation))
                .toList();
    }

    private static DeliveryOutcome allDeferred(DeliveryRequest request, String explanation) {
        return new DeliveryOutcome(deferred(request.recipients(), explanation));
    }

    /**
     * Says QUIT to idle sessions, stops deliveries still running (their recipients come back
     * DEFERRED) and shuts the event loop group down. Takes a few seconds at most.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        CompletableFuture<Void> quitting = pools.shutDown();
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
            quitting.get(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
            // Peers that do not answer QUIT are cut off by the event loop's shutdown below.
        }
        transport.close();
    }
}
