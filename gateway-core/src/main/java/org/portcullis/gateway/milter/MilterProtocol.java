package org.portcullis.gateway.milter;

/**
 * The numbers of the Sendmail milter protocol, version 6 ({@code libmilter/mfdef.h}): command
 * and response codes, action bits (SMFIF_*), protocol bits (SMFIP_*) and data size limits.
 */
final class MilterProtocol {

    static final int VERSION = 6;

    // Actions: what the milter may change (SMFIF_*).
    static final int ADDHDRS = 0x001;
    static final int CHGBODY = 0x002;
    static final int ADDRCPT = 0x004;
    static final int DELRCPT = 0x008;
    static final int CHGHDRS = 0x010;
    static final int QUARANTINE = 0x020;
    static final int CHGFROM = 0x040;
    static final int ADDRCPT_PAR = 0x080;
    static final int SETSYMLIST = 0x100;
    static final int ALL_ACTIONS = 0x1FF;

    // Protocol bits (SMFIP_*): steps the milter does not want, or does not answer.
    static final int NOCONNECT = 0x1;
    static final int NOHELO = 0x2;
    static final int NOMAIL = 0x4;
    static final int NORCPT = 0x8;
    static final int NOBODY = 0x10;
    static final int NOHDRS = 0x20;
    static final int NOEOH = 0x40;
    static final int NR_HDR = 0x80;
    static final int NOUNKNOWN = 0x100;
    static final int NODATA = 0x200;
    static final int SKIP = 0x400;
    static final int RCPT_REJ = 0x800;
    static final int NR_CONN = 0x1000;
    static final int NR_HELO = 0x2000;
    static final int NR_MAIL = 0x4000;
    static final int NR_RCPT = 0x8000;
    static final int NR_DATA = 0x10000;
    static final int NR_UNKN = 0x20000;
    static final int NR_EOH = 0x40000;
    static final int NR_BODY = 0x80000;
    static final int HDR_LEADSPC = 0x100000;
    static final int MDS_256K = 0x10000000;
    static final int MDS_1M = 0x20000000;
    static final int ALL_STEP_BITS = 0x1FFFFF;

    /**
     * What Portcullis offers: every step bit except RCPT_REJ (the chain never asks a filter about
     * a recipient it already refused, so we could not keep that promise), plus the larger packet
     * sizes.
     */
    static final int OFFERED_PROTOCOL = (ALL_STEP_BITS & ~RCPT_REJ) | MDS_256K | MDS_1M;

    // Data limits: the payload after the code byte.
    static final int MAX_DATA_64K = 65_535;
    static final int MAX_DATA_256K = 262_143;
    static final int MAX_DATA_1M = 1_048_575;

    // Commands, MTA to milter.
    static final char ABORT = 'A';
    static final char BODY = 'B';
    static final char CONNECT = 'C';
    static final char MACRO = 'D';
    static final char END_OF_MESSAGE = 'E';
    static final char HELO = 'H';
    static final char HEADER = 'L';
    static final char MAIL = 'M';
    static final char END_OF_HEADERS = 'N';
    static final char OPTION_NEGOTIATION = 'O';
    static final char QUIT = 'Q';
    static final char QUIT_NEW_CONNECTION = 'K';
    static final char RCPT = 'R';
    static final char DATA = 'T';
    static final char UNKNOWN = 'U';

    private MilterProtocol() {
    }

    /** The largest data (after the code byte) a packet may carry under these protocol bits. */
    static int maxDataSize(int protocol) {
        if ((protocol & MDS_1M) != 0) {
            return MAX_DATA_1M;
        }
        if ((protocol & MDS_256K) != 0) {
            return MAX_DATA_256K;
        }
        return MAX_DATA_64K;
    }
}
