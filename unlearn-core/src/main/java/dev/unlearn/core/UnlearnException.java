package dev.unlearn.core;

/** Base of every error this toolkit raises on purpose; the CLI maps subclasses to exit codes. */
public class UnlearnException extends RuntimeException {
    public UnlearnException(String message) {
        super(message);
    }

    public UnlearnException(String message, Throwable cause) {
        super(message, cause);
    }
}
