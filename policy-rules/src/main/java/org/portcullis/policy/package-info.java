/**
 * The policy rule language: conditions on envelope, client, message and filter findings, and
 * the final actions an admin chose for them. Depends on the filter API (and SnakeYAML to read
 * the file) only.
 *
 * <p>The gateway loads a {@link org.portcullis.policy.Policy} once ({@code Policy.load}, which
 * checks the whole file and fails with a {@link org.portcullis.policy.PolicyException} naming
 * file and line), and at each stage asks it to
 * {@link org.portcullis.policy.Policy#decide decide} a
 * {@link org.portcullis.policy.PolicyInput}: the connection, the envelope so far, and each
 * filter's {@link org.portcullis.policy.Report}. The {@link org.portcullis.policy.Decision}
 * holds the verdict, the {@link org.portcullis.policy.Action actions} for an accepted message,
 * and the {@link org.portcullis.policy.Step steps} that led there;
 * {@link org.portcullis.policy.Policy#explain explain} tells the same in words for an admin.
 * Everything else in the package is the language's own machinery. The language itself is
 * described in {@code docs/policy.md}.
 */
package org.portcullis.policy;
