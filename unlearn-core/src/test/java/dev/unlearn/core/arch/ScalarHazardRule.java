package dev.unlearn.core.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.lang.ArchRule;
import dev.unlearn.core.Scalars;
import dev.unlearn.core.train.Backprop;
import java.util.Set;

/**
 * The architecture rule that keeps DJL's array-with-Java-number arithmetic out of the sources: no class
 * but {@link Scalars} may call {@code NDArray.add/sub/mul/div/pow/rsub/rdiv/rpow/maximum/minimum/mod}
 * or {@code NDArrays.add/sub/mul/div/...} with a {@code java.lang.Number} argument, nor make a 0-d
 * array from a Java number with {@code NDManager.create(double)} and its siblings.
 *
 * <p>Those overloads wrap the number in a tensor over Java memory and close it at once; autograd keeps
 * the tensor for backward, and a garbage collection in between corrupts the gradient. In-place
 * overloads ({@code muli(Number)} and so on) and comparisons ({@code gt(Number)}) are allowed: the
 * project uses them only on gradients and optimizer state outside any gradient collector, and a
 * comparison has no gradient. {@code create(double)} is the same hazard one step removed: its memory is
 * Java's, and {@code toType} to the same type is a view of it, so a scalar made that way and closed
 * before backward breaks the gradient just as {@code mul(Number)} does.
 */
public final class ScalarHazardRule {
    static final Set<String> HAZARDOUS =
            Set.of("add", "sub", "mul", "div", "pow", "rsub", "rdiv", "rpow", "maximum", "minimum", "mod");

    private ScalarHazardRule() {}

    /** True for a call of a non-in-place NDArray/NDArrays arithmetic overload that takes a Number. */
    static final DescribedPredicate<JavaMethodCall> JAVA_NUMBER_ARITHMETIC = new DescribedPredicate<>(
            "NDArray/NDArrays arithmetic with a java.lang.Number operand (use dev.unlearn.core.Scalars)") {
        @Override
        public boolean test(JavaMethodCall call) {
            JavaClass owner = call.getTarget().getOwner();
            boolean arrays = owner.isAssignableTo(NDArray.class) || owner.isEquivalentTo(NDArrays.class);
            return arrays && HAZARDOUS.contains(call.getTarget().getName())
                    && call.getTarget().getRawParameterTypes().stream().anyMatch(p -> p.isEquivalentTo(Number.class));
        }
    };

    /** True for {@code NDManager.create(x)} with one primitive or Number argument (a 0-d Java-backed array). */
    static final DescribedPredicate<JavaMethodCall> JAVA_SCALAR_ARRAY = new DescribedPredicate<>(
            "NDManager.create of a single Java number (use dev.unlearn.core.Scalars.of)") {
        @Override
        public boolean test(JavaMethodCall call) {
            var params = call.getTarget().getRawParameterTypes();
            return call.getTarget().getOwner().isAssignableTo(NDManager.class) && call.getTarget().getName().equals("create")
                    && params.size() == 1
                    && (params.get(0).isPrimitive() || params.get(0).isEquivalentTo(Number.class));
        }
    };

    /** The rule over whatever classes it is checked against. */
    public static final ArchRule NO_JAVA_NUMBER_SCALARS = noClasses().that().doNotBelongToAnyOf(Scalars.class)
            .should().callMethodWhere(JAVA_NUMBER_ARITHMETIC.or(JAVA_SCALAR_ARRAY))
            .because("autograd keeps the Java-memory scalar tensor, and a GC before backward corrupts gradients");

    /**
     * Every backward pass goes through {@link Backprop#backward}, so the gradient-safety tests, which
     * force a GC there, reach every differentiable path, including ones added later.
     */
    public static final ArchRule BACKWARD_THROUGH_BACKPROP = noClasses().that().doNotBelongToAnyOf(Backprop.class)
            .should().callMethod(GradientCollector.class, "backward", NDArray.class)
            .because("Backprop.backward is the seam the GC-between-forward-and-backward tests hook into");

    /** Checks both rules. */
    public static void checkAll(JavaClasses classes) {
        NO_JAVA_NUMBER_SCALARS.check(classes);
        BACKWARD_THROUGH_BACKPROP.check(classes);
    }
}
