package org.portcullis.gateway.relay;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;

/**
 * A network in CIDR form, IPv4 ({@code 192.0.2.0/24}) or IPv6 ({@code 2001:db8::/32}). An
 * IPv4-mapped IPv6 network ({@code ::ffff:192.0.2.0/120}) is the IPv4 network it maps, and an
 * IPv4-mapped client address ({@code ::ffff:192.0.2.1}, as a dual-stack listener may report an
 * IPv4 client) is matched as the IPv4 address it is.
 *
 * @param network      the network address, host bits all zero
 * @param prefixLength how many leading bits of {@code network} are fixed
 */
public record Cidr(InetAddress network, int prefixLength) {

    public Cidr {
        Objects.requireNonNull(network, "network");
        int bits = network.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length /" + prefixLength + " is outside 0.." + bits);
        }
        byte[] bytes = network.getAddress();
        byte[] masked = mask(bytes, prefixLength);
        if (!Arrays.equals(bytes, masked)) {
            throw new IllegalArgumentException("host bits are set in " + network.getHostAddress() + "/" + prefixLength
                    + "; the network is " + addressOf(masked).getHostAddress() + "/" + prefixLength);
        }
    }

    /**
     * Reads {@code address/prefix}. Only address literals are accepted, never host names, so
     * that reading the configuration never waits for DNS.
     *
     * @throws IllegalArgumentException with the reason when {@code text} is not a network
     */
    public static Cidr parse(String text) {
        Objects.requireNonNull(text, "text");
        String trimmed = text.strip();
        int slash = trimmed.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + text + "' has no /prefix-length");
        }
        String addressText = trimmed.substring(0, slash);
        String prefixText = trimmed.substring(slash + 1);
        if (prefixText.isEmpty() || prefixText.length() > 3 || !prefixText.chars().allMatch(Cidr::isDecimalDigit)) {
            throw new IllegalArgumentException("'" + text + "' has no valid prefix length after the /");
        }
        int prefix = Integer.parseInt(prefixText);
        if (addressText.indexOf(':') >= 0) {
            return ipv6Network(text, addressText, prefix);
        }
        return named(text, addressOf(ipv4Bytes(text, addressText)), prefix);
    }

    /** Whether {@code address} lies in this network; an address of the other family never does. */
    public boolean contains(InetAddress address) {
        byte[] candidate = comparable(address);
        byte[] net = network.getAddress();
        if (candidate.length != net.length) {
            return false;
        }
        return Arrays.equals(mask(candidate, prefixLength), net);
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefixLength;
    }

    private static Cidr ipv6Network(String text, String addressText, int prefix) {
        // Only hex digits, colons and the dots of an embedded IPv4 part: such a string is always
        // parsed as a literal by InetAddress and never sent to a resolver.
        if (!addressText.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv6 address literal");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(addressText);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv6 address literal");
        }
        if (address instanceof Inet4Address) {
            // Java turns ::ffff:a.b.c.d into the IPv4 address; the prefix counts the 96 mapping bits.
            if (prefix < 96 || prefix > 128) {
                throw new IllegalArgumentException("'" + text + "' is IPv4-mapped; its prefix length must be 96..128");
            }
            return named(text, address, prefix - 96);
        }
        return named(text, address, prefix);
    }

    /** Builds the network, naming the entry as written when it is refused. */
    private static Cidr named(String text, InetAddress address, int prefix) {
        try {
            return new Cidr(address, prefix);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "': " + e.getMessage(), e);
        }
    }

    private static byte[] ipv4Bytes(String text, String addressText) {
        String[] parts = addressText.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 address with four parts");
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            // A leading zero is refused: some parsers read 010 as octal 8, so it is ambiguous.
            boolean decimal = !part.isEmpty() && part.length() <= 3 && part.chars().allMatch(Cidr::isDecimalDigit)
                    && (part.length() == 1 || part.charAt(0) != '0');
            int value = decimal ? Integer.parseInt(part) : -1;
            if (value < 0 || value > 255) {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 address: bad part '" + part + "'");
            }
            bytes[i] = (byte) value;
        }
        return bytes;
    }

    private static boolean isDecimalDigit(int c) {
        return c >= '0' && c <= '9';
    }

    /** The address bytes, with an IPv4-mapped IPv6 address reduced to its four IPv4 bytes. */
    private static byte[] comparable(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (address instanceof Inet6Address && isIpv4Mapped(bytes)) {
            return Arrays.copyOfRange(bytes, 12, 16);
        }
        return bytes;
    }

    private static boolean isIpv4Mapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    }

    private static byte[] mask(byte[] bytes, int prefixLength) {
        byte[] masked = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            int bitsHere = Math.max(0, Math.min(8, prefixLength - 8 * i));
            int keep = bitsHere == 0 ? 0 : (0xff << (8 - bitsHere)) & 0xff;
            masked[i] = (byte) (bytes[i] & keep);
        }
        return masked;
    }

    private static InetAddress addressOf(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an array of 4 or 16 bytes is always an address", e);
        }
    }
}
