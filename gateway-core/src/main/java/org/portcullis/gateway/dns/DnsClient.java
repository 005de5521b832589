package org.portcullis.gateway.dns;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.portcullis.gateway.config.DnsConfig;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Sends one query at a time through dnsjava's asynchronous resolver and turns the response
 * into a {@link DnsAnswer}. Nothing here blocks a thread while waiting for the network.
 */
final class DnsClient {

    /** CNAME chains longer than this are treated as broken. */
    private static final int MAX_CNAME_HOPS = 8;

    static final String TIMED_OUT = "timed out";

    private final Resolver resolver;
    private final Duration timeout;
    private final MeterRegistry registry;

    DnsClient(Resolver resolver, Duration timeout, MeterRegistry registry) {
        this.resolver = resolver;
        this.timeout = timeout;
        this.registry = registry;
    }

    /** The resolvers of {@code dns.servers}, or those of the system when the list is empty. */
    static Resolver resolverFor(DnsConfig config) {
        List<Resolver> resolvers = new ArrayList<>();
        for (String server : config.servers()) {
            SimpleResolver simple = new SimpleResolver(socketAddress(server));
            simple.setTimeout(config.timeout());
            resolvers.add(simple);
        }
        ExtendedResolver extended = resolvers.isEmpty() ? new ExtendedResolver() : new ExtendedResolver(resolvers);
        extended.setTimeout(config.timeout());
        // One pass over the servers: the whole lookup must fit in dns.timeout.
        extended.setRetries(1);
        return extended;
    }

    /** {@code host:port} or {@code [v6]:port}, as ConfigLoader normalised it. */
    static InetSocketAddress socketAddress(String server) {
        int colon = server.lastIndexOf(':');
        String host = server.substring(0, colon);
        int port = Integer.parseInt(server.substring(colon + 1));
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            // An unresolvable resolver name: queries to it fail and count as temporary failures.
            return InetSocketAddress.createUnresolved(host, port);
        }
    }

    CompletableFuture<DnsAnswer> query(Name name, int type) {
        Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        Timer.Sample sample = Timer.start(registry);
        CompletableFuture<DnsAnswer> answer;
        try {
            answer = resolver.sendAsync(query).toCompletableFuture()
                    // dnsjava enforces the timeout itself; this is the backstop should it not.
                    .orTimeout(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS)
                    .handle((response, error) -> error == null
                            ? interpret(name, type, response)
                            : new DnsAnswer.Failed(describe(error)));
        } catch (RuntimeException e) {
            answer = CompletableFuture.completedFuture(new DnsAnswer.Failed(describe(e)));
        }
        return answer.whenComplete((result, error) -> {
            String outcome = outcome(result);
            sample.stop(Timer.builder("portcullis.dns.lookup.time")
                    .description("Time for one DNS query")
                    .tag("type", Type.string(type))
                    .register(registry));
            Counter.builder("portcullis.dns.lookups")
                    .description("DNS queries by record type and outcome")
                    .tag("type", Type.string(type))
                    .tag("result", outcome)
                    .register(registry)
                    .increment();
        });
    }

    private static DnsAnswer interpret(Name name, int type, Message response) {
        int rcode = response.getRcode();
        if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
            return new DnsAnswer.Failed(Rcode.string(rcode));
        }
        List<Record> answers = response.getSection(Section.ANSWER);
        Name current = name;
        for (int hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
            List<Record> found = new ArrayList<>();
            Name alias = null;
            for (Record record : answers) {
                if (!record.getName().equals(current)) {
                    continue;
                }
                if (record.getType() == type) {
                    found.add(record);
                } else if (record instanceof CNAMERecord cname) {
                    alias = cname.getTarget();
                }
            }
            if (!found.isEmpty()) {
                return new DnsAnswer.Found(found);
            }
            if (alias == null) {
                return rcode == Rcode.NXDOMAIN ? new DnsAnswer.NxDomain() : new DnsAnswer.NoData();
            }
            current = alias;
        }
        return new DnsAnswer.Failed("CNAME chain longer than " + MAX_CNAME_HOPS);
    }

    private static String outcome(DnsAnswer answer) {
        return switch (answer) {
            case DnsAnswer.Found f -> "ok";
            case DnsAnswer.NxDomain n -> "nxdomain";
            case DnsAnswer.NoData n -> "nodata";
            case DnsAnswer.Failed f -> f.reason().equals(TIMED_OUT) ? "timeout" : "error";
            case null -> "error";
        };
    }

    private static String describe(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof TimeoutException || cause instanceof java.net.SocketTimeoutException) {
            return TIMED_OUT;
        }
        String message = cause.getMessage();
        if (message != null && message.toLowerCase(java.util.Locale.ROOT).contains("timed out")) {
            return TIMED_OUT;
        }
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
