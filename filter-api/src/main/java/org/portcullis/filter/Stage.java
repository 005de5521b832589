package org.portcullis.filter;

/** The stages of the SMTP dialogue at which a filter is asked, in order. */
public enum Stage {
    CONNECT, HELO, MAIL_FROM, RCPT_TO, HEADERS, END_OF_MESSAGE
}
