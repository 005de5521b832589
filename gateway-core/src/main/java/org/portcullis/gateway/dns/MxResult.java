package org.portcullis.gateway.dns;

import java.util.List;

/** What DNS says about where mail for a domain goes. */
public sealed interface MxResult {

    /** The exchangers to try, best first (equal preferences shuffled). Never empty. */
    record Exchangers(List<MailExchanger> exchangers) implements MxResult {
        public Exchangers {
            exchangers = List.copyOf(exchangers);
            if (exchangers.isEmpty()) {
                throw new IllegalArgumentException("no exchangers");
            }
        }
    }

    /** The domain says it takes no mail at all: a single {@code MX 0 .} (RFC 7505). */
    record NullMx() implements MxResult {
    }

    /** The domain does not exist (NXDOMAIN), has neither MX nor address records, or is no domain name. */
    record NoSuchDomain(String reason) implements MxResult {
    }

    /** DNS could not answer now (timeout, SERVFAIL, unreachable resolver): ask again later. */
    record TemporaryFailure(String reason) implements MxResult {
    }
}
