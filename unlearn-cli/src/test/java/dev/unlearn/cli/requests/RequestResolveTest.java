package dev.unlearn.cli.requests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unlearn.cli.CliRun;
import dev.unlearn.cli.ExitCodes;
import dev.unlearn.core.data.QaReader;
import dev.unlearn.core.data.QaRecord;
import dev.unlearn.core.io.Digests;
import dev.unlearn.core.testing.TinyWorld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code unlearn request resolve}: the scope of a request before it runs, with the thresholds that will
 * apply; no model, no key, nothing written; malformed or empty requests exit 2.
 */
class RequestResolveTest {
    @Test
    void listsTheSelectedRecordsAndTheThresholdsThatWillApplyWritingNothing(@TempDir Path tmp) throws Exception {
        TinyWorld.Paths3 w = TinyWorld.get();
        List<QaRecord> forget = QaReader.read(w.data().resolve("forget10.json"));
        String subject = forget.get(0).entity();
        Path req = tmp.resolve("request.json");
        Files.writeString(req, "{\"request_id\": \"DR-R1\", \"subject\": \"" + subject + "\", \"selectors\": {\"entities\": [\""
                + subject + "\"]}, \"policy\": \"standard\", \"thresholds\": {\"mia_auc_band\": 0.1}}");
        String dataBefore = Digests.sha256Directory(w.data());

        CliRun text = CliRun.of("request", "resolve", req.toString(), "--training-data", w.data().toString(), "--show", "-1");
        assertEquals(ExitCodes.OK, text.code(), text.toString());
        assertTrue(text.out().contains("request DR-R1: 20 of 224 training records selected"), text.out());
        assertTrue(text.out().contains("|MIA AUC - 0.5| <= 0.1,"), "the request's tighter band: " + text.out());
        assertTrue(text.out().contains("forget probability <= 0.25"), "the policy's floor: " + text.out());
        assertTrue(text.out().contains("verified after every step"), text.out());
        for (QaRecord q : forget) {
            assertTrue(text.out().contains(q.id()) && text.out().contains(q.question()), q.id() + " not listed");
        }

        CliRun json = CliRun.of("request", "resolve", req.toString(), "--training-data", w.data().toString(), "--json",
                "--show", "5");
        assertEquals(ExitCodes.OK, json.code(), json.toString());
        JsonNode d = new ObjectMapper().readTree(json.out());
        assertEquals(20, d.path("selected").asInt());
        assertEquals(204, d.path("retain_pool").asInt());
        assertEquals(20, d.path("matches_by_selector").path("entities").asInt());
        assertEquals(0.1, d.path("thresholds").path("mia_auc_band").asDouble());
        assertEquals(5, d.path("records").size());
        Set<String> ids = new HashSet<>();
        forget.forEach(q -> ids.add(q.id()));
        d.path("records").forEach(r -> assertTrue(ids.contains(r.path("id").asText()), r.toString()));
        d.path("records").forEach(r -> assertEquals("entities", r.path("matched_by").asText(), r.toString()));

        // an over-broad pattern shows which records only it selects
        Path broad = tmp.resolve("broad.json");
        Files.writeString(broad, "{\"request_id\": \"DR-R4\", \"subject\": \"" + subject + "\", \"selectors\": {\"entities\": [\""
                + subject + "\"], \"regexes\": [\"(?i)born\"]}}");
        JsonNode b = new ObjectMapper().readTree(CliRun.of("request", "resolve", broad.toString(), "--training-data",
                w.data().toString(), "--json", "--show", "-1").out());
        assertTrue(b.path("selected").asInt() > 20, b.toString());
        int onlyRegex = 0;
        for (JsonNode r : b.path("records")) {
            if (r.path("matched_by").asText().equals("regexes")) {
                onlyRegex++;
                assertTrue(!ids.contains(r.path("id").asText()), "a forget record matched by the regex alone: " + r);
            }
        }
        assertEquals(b.path("selected").asInt() - 20, onlyRegex, b.toString());

        CliRun negative = CliRun.of("request", "resolve", req.toString(), "--training-data", w.data().toString(), "--show", "-5");
        assertEquals(ExitCodes.BAD_INPUT, negative.code(), negative.toString());
        assertTrue(negative.err().contains("--show -5"), negative.err());

        assertEquals(List.of("broad.json", "request.json"), Files.list(tmp).sorted().map(p -> p.getFileName().toString()).toList(),
                "resolve wrote something");
        assertEquals(dataBefore, Digests.sha256Directory(w.data()), "the training data changed");
    }

    @Test
    void aRequestThatMatchesNothingOrNamesNoPolicyExitsTwo(@TempDir Path tmp) throws Exception {
        TinyWorld.Paths3 w = TinyWorld.get();
        Path none = tmp.resolve("none.json");
        Files.writeString(none, "{\"request_id\": \"DR-R2\", \"subject\": \"N\", \"selectors\": {\"entities\": [\"Nobody Atall\"]}}");
        CliRun r = CliRun.of("request", "resolve", none.toString(), "--training-data", w.data().toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().contains("match no record"), r.toString());

        // a regex that matches everything would leave nothing to measure retain utility on: refused, with the counts
        Path all = tmp.resolve("all.json");
        Files.writeString(all, "{\"request_id\": \"DR-R4\", \"subject\": \"N\", \"selectors\": {\"regexes\": [\".\"]}}");
        CliRun a = CliRun.of("request", "resolve", all.toString(), "--training-data", w.data().toString());
        assertEquals(ExitCodes.BAD_INPUT, a.code(), a.toString());
        assertTrue(a.err().contains("match all") && a.err().contains("regexes=") && a.err().contains("none is left to retain"),
                a.toString());

        Path unknown = tmp.resolve("unknown.json");
        Files.writeString(unknown, "{\"request_id\": \"DR-R3\", \"subject\": \"N\", \"selectors\": {\"entities\": [\"N\"]},"
                + " \"policy\": \"lenient\"}");
        CliRun p = CliRun.of("request", "resolve", unknown.toString(), "--training-data", w.data().toString());
        assertEquals(ExitCodes.BAD_INPUT, p.code(), p.toString());
        assertTrue(p.err().contains("policy"), p.toString());
    }

    /** A named entity selects the records it authored and those naming it as a word, not those containing its letters. */
    @Test
    void anEntityMatchesAsAWholeWordOrPhrase() {
        List<QaRecord> data = List.of(
                QaRecord.of("Where was Ann Lee born?", "In Lisbon.").withEntity("Ann Lee"),
                QaRecord.of("What is Ann's first book?", "The Quiet Harbour."),
                QaRecord.of("Who wrote the annual report?", "The board."),
                QaRecord.of("Whom did the author thank?", "Joanna Leeds."),
                QaRecord.of("What did ANN write?", "Poems."),
                QaRecord.of("Who is the subject?", "Ann Lee-Hart, a painter."));
        RequestResolver.Resolution r = RequestResolver.resolve(
                new DeletionRequest.Selectors(List.of(), List.of(), List.of(), List.of("Ann")), data);
        assertEquals(Set.of("Where was Ann Lee born?", "What is Ann's first book?", "What did ANN write?",
                "Who is the subject?"), new HashSet<>(r.forget().stream().map(QaRecord::question).toList()));
        assertEquals(2, r.rest().size(), "'annual' and 'Joanna' are other words");
        RequestResolver.Resolution lee = RequestResolver.resolve(
                new DeletionRequest.Selectors(List.of(), List.of(), List.of(), List.of("ann lee")), data);
        assertEquals(2, lee.forget().size(), "the author, and the phrase before a hyphen: " + lee.forget());
        // in a script written without spaces the name is found inside the running text
        List<QaRecord> zh = List.of(QaRecord.of("王伟是哪里人？", "他生于杭州。"), QaRecord.of("谁写了这本书？", "李明。"));
        RequestResolver.Resolution wang = RequestResolver.resolve(
                new DeletionRequest.Selectors(List.of(), List.of(), List.of(), List.of("王伟")), zh);
        assertEquals(List.of("王伟是哪里人？"), wang.forget().stream().map(QaRecord::question).toList());
    }
}
