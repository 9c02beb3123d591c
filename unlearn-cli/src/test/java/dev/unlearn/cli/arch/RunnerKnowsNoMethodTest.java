package dev.unlearn.cli.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.unlearn.methods.spi.Methods;
import org.junit.jupiter.api.Test;

/**
 * The method runner ({@code dev.unlearn.methods.run}), the worst-case search and the contract itself
 * ({@code spi}, {@code loss}) drive every method through its plan ({@code spi.MethodPlan}) and never
 * name a concrete method (issue 13). The rule is a whitelist, so a method package added later is
 * covered without editing it.
 */
class RunnerKnowsNoMethodTest {
    /** What the generic method code may depend on: the contract, the shared losses, core and libraries. */
    static final String[] ALLOWED = {"dev.unlearn.methods.spi..", "dev.unlearn.methods.loss..", "dev.unlearn.methods.run..",
        "dev.unlearn.methods.worstcase..", "dev.unlearn.core..", "ai.djl..", "java..", "javax..", "com.fasterxml.jackson..",
        "org.slf4j.."};

    private static JavaClasses main() {
        return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar")).importPackages("dev.unlearn.methods");
    }

    static ArchRule genericCodeNamesNoMethod(String... packages) {
        return classes().that().resideInAnyPackage(packages).should().onlyDependOnClassesThat().resideInAnyPackage(ALLOWED)
                .because("MethodRunner runs plans (LossPlan, DirectEdit, DecodingFilters) and the worst-case search each"
                        + " method's WeightedLoss from the registry, not named methods");
    }

    @Test
    void methodRunnerKnowsNoConcreteMethod() {
        genericCodeNamesNoMethod("dev.unlearn.methods.run..").check(main());
    }

    @Test
    void worstCaseSearchUsesEachMethodsOwnWeightedLoss() {
        genericCodeNamesNoMethod("dev.unlearn.methods.worstcase..").check(main());
    }

    @Test
    void theContractKnowsNoConcreteMethod() {
        genericCodeNamesNoMethod("dev.unlearn.methods.spi..", "dev.unlearn.methods.loss..").check(main());
    }

    @Test
    void everyRegisteredMethodLivesOutsideTheGenericPackages() {
        for (var m : Methods.all().values()) {
            String p = m.getClass().getPackageName();
            assertTrue(!p.endsWith(".run") && !p.endsWith(".spi") && !p.endsWith(".loss") && !p.endsWith(".worstcase"),
                    m.name() + " is in " + p);
        }
    }

    @Test
    void aRunnerThatNamesAMethodIsRejected() {
        JavaClasses planted = new ClassFileImporter().importClasses(PlantedRunner.class);
        AssertionError e = assertThrows(AssertionError.class, () -> genericCodeNamesNoMethod("dev.unlearn.cli.arch..")
                .check(planted));
        assertTrue(e.getMessage().contains("PlantedRunner") && e.getMessage().contains("NpoConfig"), e.getMessage());
    }

    /** A runner that special-cases NPO, as the old one did with PdConfig and NpoLoss. */
    static final class PlantedRunner {
        static boolean isNpo(Object config) {
            return config instanceof dev.unlearn.methods.npo.NpoConfig;
        }
    }
}
