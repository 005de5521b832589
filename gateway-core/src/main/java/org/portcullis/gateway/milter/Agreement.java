package org.portcullis.gateway.milter;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.portcullis.gateway.milter.MilterResponse.Negotiated;

/**
 * What a milter and Portcullis agreed on at {@code O}: which steps to send, which of them get
 * no reply, which modifications it may make, the packet limit and the macros it asked for.
 */
record Agreement(int version, int actions, int protocol, Map<Integer, List<String>> symbolLists) {

    Agreement {
        symbolLists = Map.copyOf(symbolLists);
    }

    /** Our {@code O}: protocol 6, every action we can carry out, every step bit we can honour. */
    static MilterCommand.Negotiate offer() {
        return new MilterCommand.Negotiate(MilterProtocol.VERSION, MilterProtocol.ALL_ACTIONS, MilterProtocol.OFFERED_PROTOCOL);
    }

    /** Checks the milter's answer against our offer: a version we do not speak or a bit we did not offer is refused. */
    static Agreement of(Negotiated reply, MilterCommand.Negotiate offer) throws MilterProtocolException {
        if (reply.version() < 2 || reply.version() > offer.version()) {
            throw new MilterProtocolException("milter answered with protocol version " + reply.version()
                    + "; we speak 2 to " + offer.version());
        }
        int extraActions = reply.actions() & ~offer.actions();
        if (extraActions != 0) {
            throw new MilterProtocolException(String.format("milter wants actions 0x%x that we did not offer", extraActions));
        }
        int extraBits = reply.protocol() & ~offer.protocol();
        if (extraBits != 0) {
            throw new MilterProtocolException(String.format("milter wants protocol bits 0x%x that we did not offer", extraBits));
        }
        if (!reply.symbolLists().isEmpty() && (reply.actions() & MilterProtocol.SETSYMLIST) == 0) {
            throw new MilterProtocolException("milter sent macro lists without asking for SETSYMLIST");
        }
        return new Agreement(reply.version(), reply.actions(), reply.protocol(), reply.symbolLists());
    }

    boolean sends(Step step) {
        return (protocol & step.skipBit()) == 0;
    }

    boolean awaitsReply(Step step) {
        return (protocol & step.noReplyBit()) == 0;
    }

    boolean allows(int action) {
        return (actions & action) == action;
    }

    boolean leadingSpace() {
        return (protocol & MilterProtocol.HDR_LEADSPC) != 0;
    }

    boolean skipAllowed() {
        return (protocol & MilterProtocol.SKIP) != 0;
    }

    int maxDataSize() {
        return MilterProtocol.maxDataSize(protocol);
    }

    /** The macros the milter asked for at this stage, if it sent a list for it. */
    Optional<List<String>> symbolList(Step step) {
        return step.macroStage() < 0 ? Optional.empty() : Optional.ofNullable(symbolLists.get(step.macroStage()));
    }
}
