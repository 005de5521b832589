package org.portcullis.policy;

import org.portcullis.filter.Address;

/**
 * One entry of an address list: {@code <>} (the null sender of bounces), an entry with an
 * {@code @} or a {@code /regex/} that is matched against the whole address, or a domain entry
 * (exact, {@code .subdomain}, glob) that is matched against the address's domain.
 */
record AddressPattern(Kind kind, NamePattern pattern) {

    enum Kind { NULL_SENDER, ADDRESS, DOMAIN }

    boolean matches(Address address) {
        return switch (kind) {
            case NULL_SENDER -> address.isNull();
            case ADDRESS -> !address.isNull() && pattern.matches(address.toString());
            case DOMAIN -> !address.isNull() && pattern.matches(address.domain());
        };
    }

    String source() {
        return kind == Kind.NULL_SENDER ? "<>" : pattern.source();
    }

    /**
     * @param domainsOnly for {@code sender.domain} and {@code recipient.domain}: every entry is
     *                    a domain pattern, a regex included
     */
    static AddressPattern parse(String text, boolean domainsOnly) {
        if (text.equals("<>")) {
            if (domainsOnly) {
                throw new IllegalArgumentException("'<>' (the null sender) has no domain; test it with sender: <>");
            }
            return new AddressPattern(Kind.NULL_SENDER, new NamePattern.Exact(""));
        }
        NamePattern pattern = NamePattern.parse(text, true);
        boolean regex = pattern instanceof NamePattern.Regex;
        if (domainsOnly) {
            if (!regex && text.contains("@")) {
                throw new IllegalArgumentException("'" + text + "' is an address; a domain list takes domains "
                        + "such as example.com or .example.com (use sender: or recipient: for addresses)");
            }
            return new AddressPattern(Kind.DOMAIN, pattern);
        }
        if (regex || text.contains("@")) {
            if (pattern instanceof NamePattern.Exact) {
                requireAddress(text);
            }
            return new AddressPattern(Kind.ADDRESS, pattern);
        }
        return new AddressPattern(Kind.DOMAIN, pattern);
    }

    private static void requireAddress(String text) {
        try {
            Address.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not an address such as alice@example.com");
        }
    }
}
