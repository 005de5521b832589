package org.portcullis.policy;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 network in CIDR notation ({@code 192.0.2.0/24}, {@code 2001:db8::/32}), or one
 * address. Parsed here from the text alone: {@link InetAddress#getByName} would accept host
 * names (and look them up) and old forms such as {@code 10.1}, neither of which belongs in a
 * policy.
 */
final class Network {

    private final String source;
    private final byte[] prefix;
    private final int bits;

    private Network(String source, byte[] prefix, int bits) {
        this.source = source;
        this.prefix = prefix;
        this.bits = bits;
    }

    String source() {
        return source;
    }

    boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length != prefix.length) {
            return false;
        }
        int whole = bits / 8;
        for (int i = 0; i < whole; i++) {
            if (a[i] != prefix[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[whole] & mask) == (prefix[whole] & mask);
    }

    /** @throws IllegalArgumentException saying what is wrong with the text */
    static Network parse(String text) {
        int slash = text.indexOf('/');
        String host = slash < 0 ? text : text.substring(0, slash);
        byte[] address = host.indexOf(':') >= 0 ? ipv6(host, text) : ipv4(host, text);
        int max = address.length * 8;
        int bits = max;
        if (slash >= 0) {
            String length = text.substring(slash + 1);
            if (!length.matches("\\d{1,3}") || Integer.parseInt(length) > max) {
                throw new IllegalArgumentException("'" + text + "': the prefix length must be 0 to " + max);
            }
            bits = Integer.parseInt(length);
        }
        byte[] masked = mask(address, bits);
        if (!Arrays.equals(masked, address)) {
            throw new IllegalArgumentException("'" + text + "' has bits set past its /" + bits
                    + " prefix; the network is " + format(masked) + "/" + bits);
        }
        return new Network(text, masked, bits);
    }

    private static byte[] mask(byte[] address, int bits) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - i * 8));
            out[i] = (byte) (out[i] & ((0xff << (8 - keep)) & 0xff));
        }
        return out;
    }

    private static byte[] ipv4(String host, String text) {
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            throw notAnAddress(text);
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (!parts[i].matches("\\d{1,3}") || Integer.parseInt(parts[i]) > 255) {
                throw notAnAddress(text);
            }
            out[i] = (byte) Integer.parseInt(parts[i]);
        }
        return out;
    }

    private static byte[] ipv6(String host, String text) {
        int gap = host.indexOf("::");
        if (gap >= 0 && (host.indexOf("::", gap + 1) >= 0 || host.substring(0, gap).indexOf('.') >= 0)) {
            throw notAnAddress(text);
        }
        int[] head = groups(gap < 0 ? host : host.substring(0, gap), text);
        int[] tail = gap < 0 ? new int[0] : groups(host.substring(gap + 2), text);
        int given = head.length + tail.length;
        if (gap < 0 ? given != 8 : given > 7) {
            throw notAnAddress(text);
        }
        int[] all = new int[8];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(tail, 0, all, 8 - tail.length, tail.length);
        byte[] out = new byte[16];
        for (int i = 0; i < 8; i++) {
            out[2 * i] = (byte) (all[i] >> 8);
            out[2 * i + 1] = (byte) all[i];
        }
        return out;
    }

    /** Colon-separated 16-bit groups; the last may be a dotted IPv4 address (two groups). */
    private static int[] groups(String part, String text) {
        if (part.isEmpty()) {
            return new int[0];
        }
        String[] fields = part.split(":", -1);
        boolean dotted = fields[fields.length - 1].indexOf('.') >= 0;
        int[] out = new int[fields.length + (dotted ? 1 : 0)];
        for (int i = 0; i < fields.length; i++) {
            if (dotted && i == fields.length - 1) {
                byte[] v4 = ipv4(fields[i], text);
                out[i] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
                out[i + 1] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
            } else if (fields[i].matches("[0-9a-fA-F]{1,4}")) {
                out[i] = Integer.parseInt(fields[i], 16);
            } else {
                throw notAnAddress(text);
            }
        }
        return out;
    }

    private static String format(byte[] address) {
        try {
            return InetAddress.getByAddress(address).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("a 4- or 16-byte address is always valid", e);
        }
    }

    private static IllegalArgumentException notAnAddress(String text) {
        return new IllegalArgumentException("'" + text + "' is not a network: write an IPv4 or IPv6 address, "
                + "optionally with a prefix length, e.g. 192.0.2.0/24 or 2001:db8::/32");
    }

    @Override
    public String toString() {
        return source;
    }
}
