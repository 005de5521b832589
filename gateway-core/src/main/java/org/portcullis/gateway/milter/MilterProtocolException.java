package org.portcullis.gateway.milter;

/** The milter sent something the protocol does not allow: a bug or an incompatibility on its side. */
final class MilterProtocolException extends Exception {

    MilterProtocolException(String message) {
        super(message);
    }
}
