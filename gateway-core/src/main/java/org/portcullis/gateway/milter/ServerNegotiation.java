package org.portcullis.gateway.milter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What Portcullis, as the milter an MTA calls, asks for at {@code O}: a version no higher than
 * the MTA's, and of the actions and protocol bits it offers only those the server uses. The
 * resulting {@link Agreement} reads the same from this side: {@code sends(step)} is "the MTA
 * will send it", {@code awaitsReply(step)} "the MTA waits for our answer", {@code allows(action)}
 * "we may make that change".
 */
final class ServerNegotiation {

    /** Every change a ruling can become, and the macro lists. */
    static final int WANTED_ACTIONS = MilterProtocol.ADDHDRS | MilterProtocol.CHGHDRS | MilterProtocol.CHGBODY
            | MilterProtocol.ADDRCPT | MilterProtocol.ADDRCPT_PAR | MilterProtocol.DELRCPT | MilterProtocol.CHGFROM
            | MilterProtocol.QUARANTINE | MilterProtocol.SETSYMLIST;

    /**
     * No DATA and no unknown commands (the chain has no such stage); header fields, the end of
     * the headers and body chunks without a reply each (the chain judges them all at the end of
     * the message); header values with their leading white space, so the message is rebuilt as
     * it was sent.
     */
    static final int WANTED_PROTOCOL = MilterProtocol.NODATA | MilterProtocol.NOUNKNOWN | MilterProtocol.NR_DATA
            | MilterProtocol.NR_UNKN | MilterProtocol.NR_HDR | MilterProtocol.NR_EOH | MilterProtocol.NR_BODY
            | MilterProtocol.HDR_LEADSPC;

    /**
     * The macros the server reads, by macro stage (at most five a stage, as libmilter allows):
     * the client and whether its name is verified (Sendmail's {@code client_resolve}), TLS, the
     * authenticated user, and the MTA's queue id wherever it has one.
     */
    static final Map<Integer, List<String>> MACROS = macros();

    private ServerNegotiation() {
    }

    /**
     * Our answer to the MTA's offer.
     *
     * @throws MilterProtocolException for an MTA older than protocol version 2
     */
    static Agreement agree(MilterCommand.Negotiate offer) throws MilterProtocolException {
        if (offer.version() < 2) {
            throw new MilterProtocolException("the MTA offers milter protocol version " + offer.version()
                    + "; we speak 2 to " + MilterProtocol.VERSION);
        }
        int version = Math.min(offer.version(), MilterProtocol.VERSION);
        int actions = WANTED_ACTIONS & offer.actions();
        int protocol = WANTED_PROTOCOL & offer.protocol();
        Map<Integer, List<String>> lists = (actions & MilterProtocol.SETSYMLIST) != 0 ? MACROS : Map.of();
        return new Agreement(version, actions, protocol, lists);
    }

    /** The {@code O} reply for an agreement. */
    static MilterResponse.Negotiated reply(Agreement agreement) {
        return new MilterResponse.Negotiated(agreement.version(), agreement.actions(), agreement.protocol(),
                agreement.symbolLists());
    }

    private static Map<Integer, List<String>> macros() {
        Map<Integer, List<String>> m = new LinkedHashMap<>();
        m.put(Step.CONNECT.macroStage(), List.of("{client_addr}", "{client_port}", "{client_name}", "{client_resolve}"));
        m.put(Step.HELO.macroStage(), List.of("{tls_version}", "{cipher}"));
        m.put(Step.MAIL.macroStage(), List.of("i", "{auth_authen}"));
        m.put(Step.RCPT.macroStage(), List.of("i"));
        m.put(Step.DATA.macroStage(), List.of("i"));
        m.put(Step.END_OF_HEADERS.macroStage(), List.of("i"));
        m.put(Step.END_OF_MESSAGE.macroStage(), List.of("i"));
        return java.util.Collections.unmodifiableMap(m);
    }
}
