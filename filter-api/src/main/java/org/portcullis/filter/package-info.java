/**
 * The Portcullis plug-in contract: what a filter sees of a message and how it answers.
 *
 * <p>A {@link org.portcullis.filter.MailFilter} implements the SMTP stages it cares about
 * ({@code onConnect}, {@code onHelo}, {@code onMailFrom}, {@code onRcptTo}, {@code onHeaders},
 * {@code onEndOfMessage}); each returns a {@link org.portcullis.filter.StageResult}: typed
 * {@link org.portcullis.filter.Finding findings}, optionally a proposed
 * {@link org.portcullis.filter.Verdict}, and (at the end of the message)
 * {@link org.portcullis.filter.Mutation mutations}. Filters find; the site's policy decides
 * what the findings mean. A {@link org.portcullis.filter.FilterFactory}, found by
 * {@link java.util.ServiceLoader}, makes a filter from its configuration section.
 *
 * <p>Everything a filter is given is a read-only view; the message is parsed once (when a filter
 * first asks for its MIME tree) and shared by every filter. This package depends on the JDK (and SLF4J) only.
 */
package org.portcullis.filter;
