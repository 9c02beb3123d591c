package dev.unlearn.cli.arch;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.unlearn.cli.arch.planted.PlantedScalarOp;
import dev.unlearn.core.arch.ScalarHazardRule;
import org.junit.jupiter.api.Test;

/** The scalar-hazard rule over the main classes of core, methods, eval and cli (all on this classpath). */
class ScalarHazardRuleTest {
    @Test
    void mainSourcesPassNoJavaNumberToArrayArithmetic() {
        // main classes of every module, whether they come from target/classes (reactor) or module jars
        JavaClasses main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar")).importPackages("dev.unlearn");
        for (String pkg : new String[] {"dev.unlearn.core", "dev.unlearn.methods", "dev.unlearn.eval", "dev.unlearn.cli"}) {
            assertTrue(main.stream().anyMatch(c -> c.getPackageName().startsWith(pkg)), "no main classes of " + pkg);
        }
        ScalarHazardRule.checkAll(main);
    }

    @Test
    void aPlantedMulOfAJavaDoubleIsRejected() {
        JavaClasses planted = new ClassFileImporter().importClasses(PlantedScalarOp.class);
        EvaluationResult r = ScalarHazardRule.NO_JAVA_NUMBER_SCALARS.evaluate(planted);
        assertTrue(r.hasViolation(), "the planted x.mul(2.0) must violate the rule");
        String report = r.getFailureReport().toString();
        assertTrue(report.contains("PlantedScalarOp.doubled") && report.contains("mul(java.lang.Number)"), report);
        assertFalse(report.isBlank());
    }
}
