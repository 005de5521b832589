package org.portcullis.gateway.milter;

import java.util.Locale;

/**
 * The steps of a milter conversation that the milter can switch off (its NO* bit) or leave
 * unanswered (its NR* bit), with the macro stage whose macros go with them and the timeout
 * that guards the wait for the reply.
 */
enum Step {
    NEGOTIATE(0, 0, -1, Wait.COMMAND),
    CONNECT(MilterProtocol.NOCONNECT, MilterProtocol.NR_CONN, 0, Wait.COMMAND),
    HELO(MilterProtocol.NOHELO, MilterProtocol.NR_HELO, 1, Wait.COMMAND),
    MAIL(MilterProtocol.NOMAIL, MilterProtocol.NR_MAIL, 2, Wait.COMMAND),
    RCPT(MilterProtocol.NORCPT, MilterProtocol.NR_RCPT, 3, Wait.COMMAND),
    DATA(MilterProtocol.NODATA, MilterProtocol.NR_DATA, 4, Wait.COMMAND),
    HEADER(MilterProtocol.NOHDRS, MilterProtocol.NR_HDR, -1, Wait.CONTENT),
    END_OF_HEADERS(MilterProtocol.NOEOH, MilterProtocol.NR_EOH, 6, Wait.CONTENT),
    BODY(MilterProtocol.NOBODY, MilterProtocol.NR_BODY, -1, Wait.CONTENT),
    END_OF_MESSAGE(0, 0, 5, Wait.CONTENT),
    UNKNOWN(MilterProtocol.NOUNKNOWN, MilterProtocol.NR_UNKN, -1, Wait.COMMAND);

    /** Which of the timeouts applies while waiting for the milter's reply. */
    enum Wait { COMMAND, CONTENT }

    private final int skipBit;
    private final int noReplyBit;
    private final int macroStage;
    private final Wait wait;

    Step(int skipBit, int noReplyBit, int macroStage, Wait wait) {
        this.skipBit = skipBit;
        this.noReplyBit = noReplyBit;
        this.macroStage = macroStage;
        this.wait = wait;
    }

    int skipBit() {
        return skipBit;
    }

    int noReplyBit() {
        return noReplyBit;
    }

    /** The stage number of the symbol-list reply (0 connect … 6 end of headers), or -1 for none. */
    int macroStage() {
        return macroStage;
    }

    Wait waitKind() {
        return wait;
    }

    /** The name in logs and metric tags: {@code connect}, {@code end_of_message}, … */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
