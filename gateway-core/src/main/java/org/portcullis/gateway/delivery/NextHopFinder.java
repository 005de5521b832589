package org.portcullis.gateway.delivery;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.portcullis.gateway.config.RouteConfig;
import org.portcullis.gateway.dns.AddressResult;
import org.portcullis.gateway.dns.MailExchanger;
import org.portcullis.gateway.dns.MxResolver;
import org.portcullis.gateway.dns.MxResult;

/**
 * The addresses to try, in order, for one route: its next hops as configured, or the MX hosts
 * of the recipient domain.
 */
final class NextHopFinder {

    private final MxResolver dns;
    private final int mxPort;

    /** @param mxPort the port of MX hosts: 25, except in tests that run their MX on a free port */
    NextHopFinder(MxResolver dns, int mxPort) {
        this.dns = dns;
        this.mxPort = mxPort;
    }

    /** Addresses to try, or a final word for every recipient of the group. */
    sealed interface Candidates {
        record Hops(List<HopAddress> hops) implements Candidates {
        }

        record NoHop(RecipientResult.Status status, String explanation) implements Candidates {
        }
    }

    Candidates forRoute(RouteConfig route, String domain) {
        return route.usesMx() ? mx(domain) : configured(route.nextHops());
    }

    private Candidates configured(List<RouteConfig.NextHop> nextHops) {
        List<HopAddress> hops = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (RouteConfig.NextHop hop : nextHops) {
            switch (dns.addresses(hop.host()).join()) {
                case AddressResult.Addresses found -> found.addresses().forEach(address ->
                        hops.add(new HopAddress(hop.host(), new InetSocketAddress(address, hop.port()), hop.protocol())));
                case AddressResult.NoSuchHost none -> problems.add(none.reason());
                case AddressResult.TemporaryFailure temp -> problems.add(temp.reason());
            }
        }
        if (hops.isEmpty()) {
            // A configured next hop that cannot be found is the admin's to fix: the mail waits.
            return new Candidates.NoHop(RecipientResult.Status.DEFERRED,
                    "4.4.3 no address for any next hop: " + String.join("; ", problems));
        }
        return new Candidates.Hops(hops);
    }

    private Candidates mx(String domain) {
        return switch (dns.mailExchangers(domain).join()) {
            case MxResult.Exchangers found -> {
                List<HopAddress> hops = new ArrayList<>();
                for (MailExchanger mx : found.exchangers()) {
                    for (InetAddress address : mx.addresses()) {
                        hops.add(new HopAddress(mx.host(), new InetSocketAddress(address, mxPort),
                                RouteConfig.Protocol.SMTP));
                    }
                }
                yield new Candidates.Hops(hops);
            }
            case MxResult.NullMx nullMx -> new Candidates.NoHop(RecipientResult.Status.FAILED,
                    "556 5.1.10 domain " + domain + " accepts no mail (null MX, RFC 7505)");
            case MxResult.NoSuchDomain none -> new Candidates.NoHop(RecipientResult.Status.FAILED,
                    "5.1.2 " + none.reason());
            case MxResult.TemporaryFailure temp -> new Candidates.NoHop(RecipientResult.Status.DEFERRED,
                    "4.4.3 " + temp.reason());
        };
    }
}
