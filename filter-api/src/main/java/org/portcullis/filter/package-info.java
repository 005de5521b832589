/**
 * The Portcullis plug-in contract: the stages of the SMTP dialogue a filter may answer, the
 * views of envelope and message it reads, and the findings, verdicts and mutations it returns.
 * This module depends on the JDK and SLF4J only, so that a filter never depends on the gateway.
 */
package org.portcullis.filter;
