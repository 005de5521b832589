package org.portcullis.policy;

import java.util.List;
import java.util.Optional;
import org.portcullis.filter.Connection;

/** Tests of the SMTP client: where it connects from, who it authenticated as, how. */
sealed interface ClientCondition extends Condition {

    /** The client's IP address is in one of the networks. */
    record NetworkIs(List<Network> networks, String written) implements ClientCondition {
        public NetworkIs {
            networks = List.copyOf(networks);
        }

        @Override
        public Outcome test(PolicyInput input) {
            String address = input.connection().address().getHostAddress();
            return networks.stream().filter(n -> n.contains(input.connection().address())).findFirst()
                    .map(n -> Outcome.yes("client " + address + " is in " + n.source()))
                    .orElseGet(() -> Outcome.no("client " + address + " is in none of " + written));
        }
    }

    /** Whether and as whom the client authenticated (SMTP AUTH). */
    record UserIs(Mode mode, PatternList users) implements ClientCondition {
        enum Mode { ANY, NONE, LISTED }

        @Override
        public Outcome test(PolicyInput input) {
            Optional<String> user = input.connection().authUser();
            return switch (mode) {
                case ANY -> user.map(u -> Outcome.yes("client authenticated as " + u))
                        .orElseGet(() -> Outcome.no("client did not authenticate"));
                case NONE -> user.map(u -> Outcome.no("client authenticated as " + u))
                        .orElseGet(() -> Outcome.yes("client did not authenticate"));
                case LISTED -> user.map(u -> users.match(u)
                                .map(p -> Outcome.yes("client authenticated as " + u + ", which matches " + p.source()))
                                .orElseGet(() -> Outcome.no("client authenticated as " + u + ", which matches none of "
                                        + users.written())))
                        .orElseGet(() -> Outcome.no("client did not authenticate"));
            };
        }
    }

    /** TLS is on (or off) for the connection. */
    record TlsIs(boolean on) implements ClientCondition {
        @Override
        public Outcome test(PolicyInput input) {
            Optional<String> tls = input.connection().tls();
            String state = tls.map(t -> "TLS is on (" + t + ")").orElse("TLS is off");
            return Outcome.of(tls.isPresent() == on, state);
        }
    }

    /** The client is (or is not) on the gateway's own side: trusted networks or authenticated. */
    record TrustedIs(boolean trusted) implements ClientCondition {
        @Override
        public Outcome test(PolicyInput input) {
            boolean is = input.connection().trusted();
            return Outcome.of(is == trusted, is ? "client is trusted" : "client is not trusted");
        }
    }

    /** The HELO/EHLO name, or the client's reverse DNS name, is in the list. */
    record NameIs(Which which, PatternList names) implements ClientCondition {
        enum Which {
            HELO("HELO name", "client gave no HELO name"),
            REVERSE("reverse DNS name", "client has no confirmed reverse DNS name");

            final String label;
            final String none;

            Which(String label, String none) {
                this.label = label;
                this.none = none;
            }

            Optional<String> of(Connection connection) {
                return this == HELO ? connection.helo() : connection.reverseName();
            }
        }

        @Override
        public Outcome test(PolicyInput input) {
            return which.of(input.connection())
                    .map(n -> names.match(n)
                            .map(p -> Outcome.yes(which.label + " " + n + " matches " + p.source()))
                            .orElseGet(() -> Outcome.no(which.label + " " + n + " matches none of " + names.written())))
                    .orElseGet(() -> Outcome.no(which.none));
        }
    }
}
