package org.portcullis.gateway.dns;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.IDN;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.portcullis.gateway.config.DnsConfig;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.hosts.HostsFileParser;

/**
 * Mail routing by DNS (RFC 5321 section 5.1) and the reverse names of clients. Every method
 * answers with a value, never with a failed future: DNS trouble is an expected outcome.
 */
public final class MxResolver {

    /** Reverse names beyond this many PTR records are not checked (a client could list hundreds). */
    private static final int MAX_PTR_NAMES = 4;

    private final DnsClient client;
    private final HostsFileParser hosts;

    /** Resolvers from {@code dns.servers} (the system's when empty), each query bounded by {@code dns.timeout}. */
    public MxResolver(DnsConfig config, MeterRegistry registry) {
        this(DnsClient.resolverFor(config), config.timeout(), registry, new HostsFileParser());
    }

    MxResolver(Resolver resolver, Duration timeout, MeterRegistry registry, HostsFileParser hosts) {
        this.client = new DnsClient(resolver, timeout, registry);
        this.hosts = hosts;
    }

    /**
     * The exchangers for a domain: MX records by preference (equal ones in random order), each
     * with its A then AAAA addresses; the domain itself when it has no MX (implicit MX).
     */
    public CompletableFuture<MxResult> mailExchangers(String domain) {
        Name name;
        try {
            name = absolute(domain);
        } catch (TextParseException | IllegalArgumentException e) {
            return CompletableFuture.completedFuture(new MxResult.NoSuchDomain("not a domain name: " + domain));
        }
        return client.query(name, Type.MX).thenCompose(answer -> switch (answer) {
            case DnsAnswer.Found found -> exchangers(domain, found.records());
            case DnsAnswer.NoData noData -> implicitMx(domain, name);
            case DnsAnswer.NxDomain nx -> done(new MxResult.NoSuchDomain("domain " + domain + " does not exist"));
            case DnsAnswer.Failed failed -> done(new MxResult.TemporaryFailure(
                    "MX lookup for " + domain + " failed: " + failed.reason()));
        });
    }

    /** The A then AAAA addresses of a host; an IP literal stands for itself; /etc/hosts is asked first. */
    public CompletableFuture<AddressResult> addresses(String host) {
        Optional<InetAddress> literal = ipLiteral(host);
        if (literal.isPresent()) {
            return CompletableFuture.completedFuture(new AddressResult.Addresses(List.of(literal.get())));
        }
        Name name;
        try {
            name = absolute(host);
        } catch (TextParseException | IllegalArgumentException e) {
            return CompletableFuture.completedFuture(new AddressResult.NoSuchHost("not a host name: " + host));
        }
        List<InetAddress> fromHosts = fromHostsFile(name);
        if (!fromHosts.isEmpty()) {
            return CompletableFuture.completedFuture(new AddressResult.Addresses(fromHosts));
        }
        CompletableFuture<DnsAnswer> v4 = client.query(name, Type.A);
        CompletableFuture<DnsAnswer> v6 = client.query(name, Type.AAAA);
        return v4.thenCombine(v6, (a, aaaa) -> combine(host, a, aaaa));
    }

    /**
     * The client's name when its PTR record names a host whose forward lookup gives the same
     * address back; empty on any error, timeout or mismatch.
     */
    public CompletableFuture<Optional<String>> reverseName(InetAddress address) {
        try {
            return client.query(ReverseMap.fromAddress(address), Type.PTR)
                    .thenCompose(answer -> answer instanceof DnsAnswer.Found found
                            ? confirmed(address, found.records())
                            : CompletableFuture.completedFuture(Optional.<String>empty()))
                    .exceptionally(error -> Optional.empty());
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
    }

    private CompletableFuture<Optional<String>> confirmed(InetAddress address, List<Record> ptrs) {
        List<CompletableFuture<Optional<String>>> checks = new ArrayList<>();
        for (Record record : ptrs.subList(0, Math.min(ptrs.size(), MAX_PTR_NAMES))) {
            String candidate = hostName(((PTRRecord) record).getTarget());
            checks.add(addresses(candidate).thenApply(result ->
                    result instanceof AddressResult.Addresses found && found.addresses().contains(address)
                            ? Optional.of(candidate)
                            : Optional.<String>empty()));
        }
        return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).thenApply(ignored ->
                checks.stream().map(CompletableFuture::join).flatMap(Optional::stream).findFirst());
    }

    private CompletableFuture<MxResult> exchangers(String domain, List<Record> records) {
        List<MXRecord> mx = new ArrayList<>();
        boolean nullMx = false;
        for (Record record : records) {
            MXRecord m = (MXRecord) record;
            if (m.getTarget().equals(Name.root)) {
                nullMx = true;
            } else {
                mx.add(m);
            }
        }
        if (mx.isEmpty() && nullMx) {
            return done(new MxResult.NullMx());
        }
        // A root target next to real exchangers breaks RFC 7505; the real ones are still usable.
        Collections.shuffle(mx, ThreadLocalRandom.current());
        mx.sort(Comparator.comparingInt(MXRecord::getPriority));
        List<CompletableFuture<AddressResult>> lookups = mx.stream()
                .map(m -> addresses(hostName(m.getTarget())))
                .toList();
        return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            List<MailExchanger> usable = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            for (int i = 0; i < mx.size(); i++) {
                String host = hostName(mx.get(i).getTarget());
                switch (lookups.get(i).join()) {
                    case AddressResult.Addresses found ->
                            usable.add(new MailExchanger(host, mx.get(i).getPriority(), found.addresses()));
                    case AddressResult.NoSuchHost none -> problems.add(none.reason());
                    case AddressResult.TemporaryFailure temp -> problems.add(temp.reason());
                }
            }
            if (usable.isEmpty()) {
                return new MxResult.TemporaryFailure("no MX host of " + domain + " has an address: "
                        + String.join("; ", problems));
            }
            return new MxResult.Exchangers(usable);
        });
    }

    private CompletableFuture<MxResult> implicitMx(String domain, Name name) {
        return addresses(domain).thenApply(result -> switch (result) {
            case AddressResult.Addresses found -> new MxResult.Exchangers(
                    List.of(new MailExchanger(hostName(name), 0, found.addresses())));
            case AddressResult.NoSuchHost none -> new MxResult.NoSuchDomain(
                    "domain " + domain + " has no MX and no address records");
            case AddressResult.TemporaryFailure temp -> new MxResult.TemporaryFailure(temp.reason());
        });
    }

    private static AddressResult combine(String host, DnsAnswer a, DnsAnswer aaaa) {
        List<InetAddress> found = new ArrayList<>();
        if (a instanceof DnsAnswer.Found f) {
            f.records().forEach(r -> found.add(((ARecord) r).getAddress()));
        }
        if (aaaa instanceof DnsAnswer.Found f) {
            f.records().forEach(r -> found.add(((AAAARecord) r).getAddress()));
        }
        if (!found.isEmpty()) {
            return new AddressResult.Addresses(found);
        }
        if (a instanceof DnsAnswer.Failed failed) {
            return new AddressResult.TemporaryFailure("address lookup for " + host + " failed: " + failed.reason());
        }
        if (aaaa instanceof DnsAnswer.Failed failed) {
            return new AddressResult.TemporaryFailure("address lookup for " + host + " failed: " + failed.reason());
        }
        return new AddressResult.NoSuchHost(a instanceof DnsAnswer.NxDomain
                ? "host " + host + " does not exist"
                : "host " + host + " has no address records");
    }

    private List<InetAddress> fromHostsFile(Name name) {
        List<InetAddress> found = new ArrayList<>();
        try {
            hosts.getAddressForHost(name, Type.A).ifPresent(found::add);
            hosts.getAddressForHost(name, Type.AAAA).ifPresent(found::add);
        } catch (IOException | RuntimeException e) {
            // An unreadable hosts file is no reason to stop: DNS still answers.
        }
        return found;
    }

    private static CompletableFuture<MxResult> done(MxResult result) {
        return CompletableFuture.completedFuture(result);
    }

    /** The name as an absolute DNS name, internationalised names in their ASCII form. */
    private static Name absolute(String domain) throws TextParseException {
        String ascii = IDN.toASCII(domain.trim(), IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        if (ascii.isEmpty() || ascii.startsWith(".") || ascii.contains("..")) {
            throw new TextParseException("empty label in " + domain);
        }
        return Name.fromString(ascii.endsWith(".") ? ascii : ascii + ".");
    }

    private static String hostName(Name name) {
        String text = name.toString(true);
        return text.toLowerCase(Locale.ROOT);
    }

    private static Optional<InetAddress> ipLiteral(String host) {
        String text = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        boolean v4 = text.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = text.contains(":") && text.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) {
            return Optional.empty();
        }
        try {
            // A literal is parsed, never looked up.
            return Optional.of(InetAddress.getByName(text));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
