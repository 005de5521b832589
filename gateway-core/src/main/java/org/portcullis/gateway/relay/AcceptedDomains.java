package org.portcullis.gateway.relay;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The domains of the internal tier ({@code relay.accepted_domains}). An entry {@code example.com}
 * matches that domain only; an entry {@code .example.com} matches example.com and every
 * subdomain of it. Entries and candidates are compared in canonical A-label form, so that
 * {@code EXAMPLE.com}, {@code bücher.example} and {@code xn--bcher-kva.example} each meet
 * their entry and nothing else does.
 */
final class AcceptedDomains {

    private final Set<String> exact = new HashSet<>();
    private final List<String> parents;

    /** @throws IllegalArgumentException naming the first entry that is not a domain */
    AcceptedDomains(List<String> entries) {
        List<String> parentList = new ArrayList<>();
        for (String entry : entries) {
            boolean withSubdomains = entry.startsWith(".");
            String domain = withSubdomains ? entry.substring(1) : entry;
            String key = asciiKey(domain).orElseThrow(() -> new IllegalArgumentException(
                    "accepted domain '" + entry + "' is not a valid domain name"));
            exact.add(key);
            if (withSubdomains) {
                parentList.add("." + key);
            }
        }
        this.parents = List.copyOf(parentList);
    }

    /** Whether mail for {@code domain} is ours; a domain that is not a valid name never is. */
    boolean contains(String domain) {
        Optional<String> key = asciiKey(domain);
        if (key.isEmpty()) {
            return false;
        }
        String candidate = key.get();
        return exact.contains(candidate) || parents.stream().anyMatch(candidate::endsWith);
    }

    /** The canonical A-label form of {@code domain}, or empty when it is not a valid domain name. */
    static Optional<String> asciiKey(String domain) {
        return switch (DomainNameCheck.check(domain, true)) {
            case Checked.Ok ok -> Optional.of(DomainNameCheck.asciiForm(ok.canonical()));
            case Checked.Refused ignored -> Optional.empty();
        };
    }
}
