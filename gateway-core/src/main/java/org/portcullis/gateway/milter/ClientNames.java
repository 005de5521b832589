package org.portcullis.gateway.milter;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;
import org.portcullis.filter.Address;

/**
 * Reads what an MTA tells the milter server about its client — the address in {@code C} or
 * {@code {client_addr}}, the verified name, TLS, the envelope paths — into the values the
 * filter API uses. Never asks DNS: an address is taken only when it is a literal.
 */
final class ClientNames {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%\\w+)?");

    private ClientNames() {
    }

    /** The client's address; {@code 0.0.0.0} (no one's network) when the MTA gave none we can read. */
    static InetAddress address(MilterCommand.ClientAddress address, Optional<String> clientAddr) {
        if (address.family() == MilterCommand.ClientAddress.INET4 || address.family() == MilterCommand.ClientAddress.INET6) {
            Optional<InetAddress> ip = literal(address.address());
            if (ip.isPresent()) {
                return ip.get();
            }
        }
        return clientAddr.flatMap(ClientNames::literal).orElseGet(ClientNames::unknown);
    }

    /** An IP address literal, brackets and Sendmail's {@code IPv6:} allowed; never a DNS lookup. */
    static Optional<InetAddress> literal(String text) {
        String t = text.strip();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        if (t.regionMatches(true, 0, "IPv6:", 0, 5)) {
            t = t.substring(5);
        }
        if (!IPV4.matcher(t).matches() && !IPV6.matcher(t).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(t));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    static int port(String text) {
        try {
            int port = Integer.parseInt(text.strip());
            return port >= 0 && port <= 0xFFFF ? port : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * The client's forward-confirmed name, as the filter API means it: Postfix's
     * {@code {client_name}} (it says {@code unknown} when the check failed), Sendmail's when its
     * {@code {client_resolve}} is {@code OK}; else the host name of {@code C} when it is a name.
     * {@code {client_ptr}} is not used: it is the unverified PTR, which anyone can set.
     */
    static Optional<String> reverseName(String connectHostname, Optional<String> clientName,
                                        Optional<String> clientResolve) {
        if (clientResolve.isPresent() && !clientResolve.get().equalsIgnoreCase("OK")) {
            return Optional.empty();
        }
        Optional<String> name = clientName.isPresent() ? clientName : Optional.of(connectHostname);
        return name.map(String::strip).filter(n -> !n.isEmpty() && !n.equalsIgnoreCase("unknown")
                && !n.startsWith("[") && literal(n).isEmpty());
    }

    /** {@code TLSv1.3 with cipher TLS_AES_256_GCM_SHA384}, as the SMTP listener says it, from the HELO macros. */
    static Optional<String> tls(Optional<String> version, Optional<String> cipher) {
        if (version.isEmpty() || version.get().isBlank()) {
            return Optional.empty();
        }
        return Optional.of(version.get().strip() + cipher.filter(c -> !c.isBlank()).map(c -> " with cipher " + c.strip())
                .orElse(""));
    }

    /**
     * An envelope path of {@code M} or {@code R}: angle brackets and a source route dropped;
     * the null path is {@link Address#NULL}. A path our parser cannot split is kept whole as
     * its local part, so the chain still sees what the MTA accepted.
     */
    static Address path(String text) {
        String t = text.strip();
        if (t.startsWith("<") && t.endsWith(">")) {
            t = t.substring(1, t.length() - 1);
        }
        if (t.startsWith("@") && t.contains(":")) {
            t = t.substring(t.indexOf(':') + 1);
        }
        try {
            return Address.parse(t);
        } catch (IllegalArgumentException e) {
            return new Address(t, "");
        }
    }

    /** ESMTP parameters of {@code M} or {@code R} ({@code SIZE=100}, {@code BODY=8BITMIME}) as keyword (upper case) to value. */
    static java.util.Map<String, String> parameters(java.util.List<String> args) {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            out.put((eq < 0 ? arg : arg.substring(0, eq)).toUpperCase(java.util.Locale.ROOT), eq < 0 ? "" : arg.substring(eq + 1));
        }
        return out;
    }

    private static InetAddress unknown() {
        try {
            return InetAddress.getByAddress(new byte[4]);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
