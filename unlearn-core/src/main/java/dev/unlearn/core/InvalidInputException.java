package dev.unlearn.core;

/**
 * Input a user supplied is malformed: a checkpoint, recipe, dataset or config. The message names the
 * file, key, record or tensor at fault, what was expected and what was found. CLI exit code 2.
 */
public class InvalidInputException extends UnlearnException {
    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
