package dev.unlearn.core;

/** A check the user asked for did not pass (thresholds of a deletion request, say). CLI exit code 1. */
public class VerificationFailedException extends UnlearnException {
    public VerificationFailedException(String message) {
        super(message);
    }
}
