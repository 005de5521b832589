package org.portcullis.gateway.delivery;

import org.portcullis.gateway.envelope.Envelope;
import org.portcullis.gateway.envelope.MailParameters;
import org.portcullis.gateway.envelope.Recipient;

/**
 * MAIL FROM and RCPT TO lines with the envelope's ESMTP parameters, each carried on only when
 * the next hop announced the extension it belongs to.
 */
final class MailCommands {

    private MailCommands() {
    }

    static String mailFrom(Envelope envelope, long size, EhloExtensions ext) {
        StringBuilder line = new StringBuilder("MAIL FROM:<").append(envelope.sender()).append('>');
        MailParameters p = envelope.parameters();
        if (ext.size()) {
            line.append(" SIZE=").append(size);
        }
        if (p.body() != null) {
            boolean binary = p.body().equalsIgnoreCase("BINARYMIME");
            // BINARYMIME is only sent to a hop that offers it; 8BITMIME and 7BIT need 8BITMIME.
            // Without 8BITMIME the message goes as it is, as Postfix does by default.
            if (binary ? ext.binaryMime() : ext.eightBitMime()) {
                line.append(" BODY=").append(p.body().toUpperCase(java.util.Locale.ROOT));
            }
        }
        if (p.smtpUtf8() && ext.smtpUtf8()) {
            line.append(" SMTPUTF8");
        }
        if (ext.dsn()) {
            if (p.ret() != null) {
                line.append(" RET=").append(p.ret());
            }
            if (p.envid() != null) {
                line.append(" ENVID=").append(p.envid());
            }
        }
        return line.toString();
    }

    static String rcptTo(Recipient recipient, EhloExtensions ext) {
        StringBuilder line = new StringBuilder("RCPT TO:<").append(recipient.address()).append('>');
        if (ext.dsn()) {
            if (recipient.dsnNotify() != null) {
                line.append(" NOTIFY=").append(recipient.dsnNotify());
            }
            if (recipient.dsnOrcpt() != null) {
                line.append(" ORCPT=").append(recipient.dsnOrcpt());
            }
        }
        return line.toString();
    }

    static boolean ascii(String text) {
        return text.chars().allMatch(c -> c < 0x80);
    }
}
