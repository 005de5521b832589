/**
 * The policy rule language: conditions on envelope, client, message and filter findings, and
 * the final actions an admin chose for them. Depends on the filter API only.
 */
package org.portcullis.policy;
