package dev.unlearn.cli.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The method runner ({@code dev.unlearn.methods.run}) and the worst-case search drive every method
 * through its plan ({@code spi.MethodPlan}) and never name a concrete method package (issue 13).
 */
class RunnerKnowsNoMethodTest {
    /** Every concrete method package, the toy test methods included. */
    static final String[] METHOD_PACKAGES = {"dev.unlearn.methods.ga..", "dev.unlearn.methods.graddiff..",
        "dev.unlearn.methods.npo..", "dev.unlearn.methods.simnpo..", "dev.unlearn.methods.flat..",
        "dev.unlearn.methods.ssd..", "dev.unlearn.methods.rmu..", "dev.unlearn.methods.pd..",
        "dev.unlearn.methods.guard.."};

    private static JavaClasses main() {
        return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar")).importPackages("dev.unlearn.methods");
    }

    @Test
    void methodRunnerKnowsNoConcreteMethod() {
        ArchRule rule = noClasses().that().resideInAPackage("dev.unlearn.methods.run..").should()
                .dependOnClassesThat().resideInAnyPackage(METHOD_PACKAGES)
                .because("MethodRunner runs plans (LossPlan, DirectEdit, DecodingFilters), not named methods");
        rule.check(main());
    }

    @Test
    void worstCaseSearchUsesEachMethodsOwnWeightedLoss() {
        noClasses().that().resideInAPackage("dev.unlearn.methods.worstcase..").should()
                .dependOnClassesThat().resideInAnyPackage(METHOD_PACKAGES)
                .because("the worst-case search takes each method's WeightedLoss from the registry").check(main());
    }

    @Test
    void theContractKnowsNoConcreteMethod() {
        noClasses().that().resideInAnyPackage("dev.unlearn.methods.spi..", "dev.unlearn.methods.loss..").should()
                .dependOnClassesThat().resideInAnyPackage(METHOD_PACKAGES).check(main());
    }
}
