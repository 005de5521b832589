package org.portcullis.gateway.smtp;

import io.netty.buffer.ByteBuf;

/** What the framer hands the session: command lines, message data, or a line it refused. */
sealed interface SmtpInput {

    /** One command line without its CR LF (or an AUTH response line). */
    record Line(String text) implements SmtpInput {
    }

    /** A command line that must not be executed; answered with 500 5.5.2. */
    record Refused(Reason reason) implements SmtpInput {
    }

    /**
     * Decoded message bytes (DATA unstuffed, or BDAT), CRLF-canonical. The receiver releases it.
     */
    record Content(ByteBuf bytes) implements SmtpInput {
    }

    /** The end of DATA, or of one BDAT chunk ({@code last} for BDAT ... LAST). */
    record ContentEnd(boolean chunk) implements SmtpInput {
    }

    /** Why a command line was refused. */
    enum Reason {
        LINE_TOO_LONG("Line too long"),
        BARE_LINE_END("Bare CR or LF in command; lines end with CRLF"),
        BAD_CHARACTER("NUL or invalid UTF-8 in command");

        final String text;

        Reason(String text) {
            this.text = text;
        }
    }
}
