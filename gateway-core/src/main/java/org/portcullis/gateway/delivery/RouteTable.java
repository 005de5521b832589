package org.portcullis.gateway.delivery;

import java.net.IDN;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.portcullis.gateway.config.RouteConfig;

/**
 * Picks the route for a recipient domain: the first route, in the order of the configuration,
 * with a matching entry. {@code *} matches every domain, {@code .example.com} every subdomain of
 * example.com (not example.com itself), anything else the domain exactly, ignoring case.
 */
final class RouteTable {

    private final List<RouteConfig> routes;

    RouteTable(List<RouteConfig> routes) {
        this.routes = List.copyOf(routes);
    }

    /** The index in the configuration of the route for the domain, if any. */
    Optional<Integer> routeFor(String domain) {
        String key = normalise(domain);
        for (int i = 0; i < routes.size(); i++) {
            for (String pattern : routes.get(i).domains()) {
                if (matches(normalise(pattern), key)) {
                    return Optional.of(i);
                }
            }
        }
        return Optional.empty();
    }

    /** The index of the route with that name, if any. */
    Optional<Integer> named(String name) {
        for (int i = 0; i < routes.size(); i++) {
            if (name.equals(routes.get(i).name())) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    RouteConfig route(int index) {
        return routes.get(index);
    }

    static boolean matches(String pattern, String domain) {
        if (pattern.equals("*")) {
            return true;
        }
        if (pattern.startsWith(".")) {
            return domain.endsWith(pattern) && domain.length() > pattern.length();
        }
        return domain.equals(pattern);
    }

    /** Lower case, no trailing dot, internationalised labels in their ASCII form. */
    static String normalise(String domain) {
        String d = domain.trim().toLowerCase(Locale.ROOT);
        if (d.endsWith(".") && d.length() > 1) {
            d = d.substring(0, d.length() - 1);
        }
        if (d.equals("*")) {
            return d;
        }
        try {
            boolean leadingDot = d.startsWith(".");
            String ascii = IDN.toASCII(leadingDot ? d.substring(1) : d, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
            return leadingDot ? "." + ascii : ascii;
        } catch (IllegalArgumentException e) {
            // Not convertible: compare as written; such a domain matches only itself or "*".
            return d;
        }
    }
}
