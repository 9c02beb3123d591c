/**
 * Deletion requests: the request document, selector resolution against training data, verification
 * figures and checks, the submit workflow, and the hash-chained {@link dev.unlearn.cli.requests.AuditLog}.
 * Nothing here writes record text, questions, answers or the subject's name to the audit log.
 */
package dev.unlearn.cli.requests;
