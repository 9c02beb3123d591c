package dev.unlearn.benchmarks;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.unlearn.core.arch.ScalarHazardRule;
import org.junit.jupiter.api.Test;

/** The benchmarks time the toolkit's own steps, so they obey the same scalar rule as the main sources. */
class ScalarHazardRuleTest {
    @Test
    void benchmarkSourcesPassNoJavaNumberToArrayArithmetic() {
        ScalarHazardRule.checkAll(new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.unlearn.benchmarks"));
    }
}
