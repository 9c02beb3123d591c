package dev.unlearn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.DataType;
import dev.unlearn.core.InvalidInputException;
import org.junit.jupiter.api.Test;

class StoreDtypeTest {
    @Test
    void bothSpellingsOnBothCommandsAndABadOneNamesTheOption() {
        for (String s : new String[] {"f32", "float32", "F32", " Float32 "}) {
            assertEquals(DataType.FLOAT32, StoreDtype.parse("--dtype", s));
        }
        for (String s : new String[] {"bf16", "bfloat16", "BF16"}) {
            assertEquals(DataType.BFLOAT16, StoreDtype.parse("--save-dtype", s));
        }
        String m = assertThrows(InvalidInputException.class, () -> StoreDtype.parse("--save-dtype", "f16")).getMessage();
        assertTrue(m.startsWith("--save-dtype") && m.contains("'f16'") && m.contains("bf16"), m);
    }

    /** finetune and forget take the same option, under both names (--dtype was finetune's name). */
    @Test
    void finetuneAndForgetShareOneOptionUnderBothNames() {
        for (Object cmd : new Object[] {new dev.unlearn.cli.commands.FinetuneCommand(), new dev.unlearn.cli.commands.ForgetCommand()}) {
            var spec = new picocli.CommandLine(cmd).getCommandSpec();
            var a = spec.findOption("--save-dtype");
            assertTrue(a != null, spec.name());
            assertEquals(a, spec.findOption("--dtype"), spec.name());
            assertEquals("float32", a.defaultValue(), spec.name());
        }
    }
}
