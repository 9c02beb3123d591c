package dev.unlearn.cli.arch.planted;

import ai.djl.ndarray.NDArray;

/** A planted violation, in test sources only: the rule must reject it. */
public final class PlantedScalarOp {
    private PlantedScalarOp() {}

    /** A differentiable path with the hazard: the scalar 2.0 is a Java-memory tensor autograd keeps. */
    public static NDArray doubled(NDArray x) {
        return x.mul(2.0);
    }
}
