package dev.unlearn.methods.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.methods.flat.Divergence;
import dev.unlearn.methods.flat.FlatConfig;
import dev.unlearn.methods.loss.RetainLossType;
import dev.unlearn.methods.npo.NpoConfig;
import dev.unlearn.methods.simnpo.SimNpoConfig;
import dev.unlearn.methods.ssd.SsdConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Registry, config binding and the checks of methods.md §1.5. */
class ConfigAndRegistryTest {
    @Test
    void registryListsEveryMethod() {
        assertEquals(List.of("ceu", "dpo", "flat", "ga", "graddiff", "guard", "idkdpo", "idknll", "npo", "pd", "pdu", "rmu",
                "satimp", "simnpo", "ssd", "undial", "wga"), Methods.names().stream().filter(n -> !n.startsWith("toy-")).toList(),
                "registered in main (test sources add toy-*)");
        assertEquals("npo", Methods.byName(" NPO ").name());
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Methods.byName("npoo"));
        assertTrue(e.getMessage().contains("'npoo'") && e.getMessage().contains("npo, pd, pdu"), e.getMessage());
        for (UnlearningMethod<?> m : Methods.all().values()) {
            assertEquals(m.defaults(), m.bind(Map.of()), m.name() + ": empty section gives the defaults");
            assertTrue(m.configClass().isRecord(), m.name());
            assertTrue(!m.description().isBlank(), m.name());
        }
    }

    @Test
    void defaultsComeFromTheSpec() {
        NpoConfig npo = (NpoConfig) Methods.byName("npo").defaults();
        assertEquals(0.1, npo.beta());
        assertEquals(RetainLossType.NLL, npo.retainLossType());
        SimNpoConfig s = (SimNpoConfig) Methods.byName("simnpo").defaults();
        assertEquals(4.5, s.beta());
        assertEquals(0.125, s.gamma());
        FlatConfig f = (FlatConfig) Methods.byName("flat").defaults();
        assertEquals(Divergence.TOTAL_VARIATION, f.divergence());
        assertEquals(500, f.padLength());
        SsdConfig ssd = (SsdConfig) Methods.byName("ssd").defaults();
        assertEquals(10, ssd.selectionWeighting());
        assertEquals(1, ssd.dampeningConstant());
    }

    @Test
    void bindsSnakeCaseYamlAndOverrides() {
        UnlearningMethod<?> npo = Methods.byName("npo");
        NpoConfig c = (NpoConfig) ConfigBinder.bindYaml("npo", NpoConfig.class, NpoConfig.defaults(),
                "beta: 0.2\nretain_loss_type: KL\n");
        assertEquals(0.2, c.beta());
        assertEquals(RetainLossType.KL, c.retainLossType());
        NpoConfig o = (NpoConfig) npo.bind(Map.of("beta", 0.2), List.of("alpha=0", "beta=0.5", "kl_positions=answer"));
        assertEquals(0.5, o.beta());
        assertEquals(0.0, o.alpha());
        FlatConfig f = (FlatConfig) Methods.byName("flat").bind(Map.of(),
                List.of("divergence=Jenson-Shannon", "reference_quirks=true", "probability=per-sample"));
        assertEquals(Divergence.JENSEN_SHANNON, f.divergence());
        assertTrue(f.referenceQuirks());
        dev.unlearn.methods.pd.PdConfig pd = (dev.unlearn.methods.pd.PdConfig) Methods.byName("pd").bind(
                Map.of("base", "npo"), List.of("base_config.beta=0.3", "base_config.alpha=0"));
        assertEquals(Map.of("beta", 0.3, "alpha", 0), pd.baseConfig());
    }

    @Test
    void unknownKeyNamesItAndListsValidOnes() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> Methods.byName("npo").bind(Map.of("betta", 0.2)));
        assertTrue(e.getMessage().contains("'betta'") && e.getMessage().contains("beta, gamma, alpha, retain_loss_type"),
                e.getMessage());
    }

    @Test
    void aSharedChoiceIsReportedUnderTheKeyItWasGivenFor() {
        InvalidInputException kl = assertThrows(InvalidInputException.class,
                () -> Methods.byName("npo").bind(Map.of("kl_positions", "every")));
        assertEquals("Config key 'kl_positions': unknown value 'every'; valid values: all, answer.", kl.getMessage());
        InvalidInputException undial = assertThrows(InvalidInputException.class,
                () -> Methods.byName("undial").bind(Map.of("positions", "every")));
        assertEquals("Config key 'positions': unknown value 'every'; valid values: all, answer.", undial.getMessage());
        assertEquals(dev.unlearn.methods.loss.LossPositions.ANSWER,
                ((dev.unlearn.methods.undial.UndialConfig) Methods.byName("undial").bind(Map.of("positions", "Answer"))).positions());
    }

    @Test
    void badValuesNameTheKey() {
        Object[][] cases = {
            {"npo", "beta", 0, "beta"},
            {"simnpo", "beta", -1, "beta"},
            {"graddiff", "gamma", -0.1, "gamma"},
            {"npo", "alpha", -1, "alpha"},
            {"graddiff", "retain_loss_type", "MSE", "NLL, KL"},
            {"flat", "divergence", "hellinger", "total-variation"},
            {"ssd", "selection_weighting", 0, "selection_weighting"},
            {"ssd", "dampening_constant", -2, "dampening_constant"},
            {"rmu", "steering_coeff", 0, "steering_coeff"},
            {"npo", "beta", "abc", "beta"},
        };
        for (Object[] c : cases) {
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> Methods.byName((String) c[0]).bind(Map.of((String) c[1], c[2])), c[0] + " " + c[1]);
            assertTrue(e.getMessage().contains((String) c[3]), c[0] + ": " + e.getMessage());
        }
    }

    @Test
    void aNullForANumberSaysSoWithoutJacksonsHint() {
        // null (beta: ~) and the empty string (--set beta=), which Jackson coerces to null
        for (Object v : new Object[] {null, ""}) {
            Map<String, Object> cfg = new java.util.HashMap<>();
            cfg.put("beta", v);
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> Methods.byName("npo").bind(cfg));
            assertTrue(e.getMessage().startsWith("Config key 'beta' of method 'npo' must be a number, found no value"),
                    e.getMessage());
            assertTrue(!e.getMessage().contains("DeserializationFeature"), e.getMessage());
        }
    }

    private static MethodSample sample(String id, String q, String a) {
        return new MethodSample(id, q, a, new TokenizedExample(id, new long[] {1, 2}, 1));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void check(String method, Map<String, ?> cfg, List<MethodSample> forget, List<MethodSample> retain,
            boolean withRef) {
        UnlearningMethod m = Methods.byName(method);
        MethodContext<String> ctx = new MethodContext<>("model", withRef ? () -> "ref" : null, forget, retain,
                List.of("I don't know."), null, 0);
        m.check(m.bind(cfg), ctx, new ModelInfo(4, 8, 16));
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void dataChecks() {
        List<MethodSample> f = List.of(sample("f1", "Who?", "Ann."));
        List<MethodSample> r = List.of(sample("r1", "Where?", "Oslo."));
        check("npo", Map.of(), f, r, true);
        check("ga", Map.of(), f, List.of(), false);
        check("npo", Map.of("alpha", 0), f, List.of(), true);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> check("ga", Map.of(), List.of(), r, false));
        assertTrue(e.getMessage().contains("forget set is empty"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> check("graddiff", Map.of(), f, List.of(), false));
        assertTrue(e.getMessage().contains("alpha"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> check("npo", Map.of(), f, r, false));
        assertTrue(e.getMessage().contains("reference model"), e.getMessage());
        e = assertThrows(InvalidInputException.class,
                () -> check("ga", Map.of(), f, List.of(sample("f1", "x", "y")), false));
        assertTrue(e.getMessage().contains("'f1'"), e.getMessage());
        e = assertThrows(InvalidInputException.class,
                () -> check("ga", Map.of(), f, List.of(sample("r9", "Who? ", "Ann.")), false));
        assertTrue(e.getMessage().contains("'r9'") && e.getMessage().contains("same question and answer"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> check("rmu", Map.of("layer", 4), f, r, true));
        assertTrue(e.getMessage().contains("'layer'"), e.getMessage());
        check("rmu", Map.of("layer", 3), f, r, true);
        check("flat", Map.of(), f, List.of(), false);
        MethodContext<String> noTemplates = new MethodContext<>("model", null, f, List.of(), List.of(), null, 0);
        UnlearningMethod flat = Methods.byName("flat");
        e = assertThrows(InvalidInputException.class,
                () -> flat.check(flat.defaults(), noTemplates, new ModelInfo(4, 8, 16)));
        assertTrue(e.getMessage().contains("templates"), e.getMessage());
        check("pd", Map.of("base", "npo", "base_config", Map.of("alpha", 0)), f, List.of(), true);
        e = assertThrows(InvalidInputException.class, () -> check("pd", Map.of("base", "graddiff"), f, List.of(), true));
        assertTrue(e.getMessage().contains("retain"), e.getMessage());
    }
}
