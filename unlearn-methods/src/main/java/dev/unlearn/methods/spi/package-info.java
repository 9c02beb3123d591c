/**
 * The method SPI: {@link dev.unlearn.methods.spi.UnlearningMethod} (ServiceLoader, looked up by name in
 * {@link dev.unlearn.methods.spi.Methods}), typed config records bound by
 * {@link dev.unlearn.methods.spi.ConfigBinder}, the run context
 * ({@link dev.unlearn.methods.spi.MethodContext}) and the per-step loss contract
 * ({@link dev.unlearn.methods.spi.LossMethod}, {@link dev.unlearn.methods.spi.ForwardFn}) that core's
 * training loop wraps as an {@code Objective}.
 *
 * <p>May use unlearn-core ({@code data}, exceptions), DJL's {@code NDArray} API and Jackson. Knows no
 * method by name; implementations live in sibling packages and register in {@code META-INF/services}.
 */
package dev.unlearn.methods.spi;
