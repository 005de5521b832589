package org.portcullis.gateway.dns;

import java.util.List;
import org.xbill.DNS.Record;

/** The outcome of one DNS query, CNAMEs already followed. */
sealed interface DnsAnswer {

    /** Records of the type asked for; never empty. */
    record Found(List<Record> records) implements DnsAnswer {
        public Found {
            records = List.copyOf(records);
        }
    }

    /** NXDOMAIN: the name does not exist. */
    record NxDomain() implements DnsAnswer {
    }

    /** The name exists but has no record of that type. */
    record NoData() implements DnsAnswer {
    }

    /** No usable answer: timeout, SERVFAIL, REFUSED, network error. */
    record Failed(String reason) implements DnsAnswer {
    }
}
