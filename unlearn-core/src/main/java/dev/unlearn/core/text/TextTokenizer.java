package dev.unlearn.core.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.io.ParseErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face tokenizer ({@code tokenizer.json}) loaded offline through DJL's tokenizers binding,
 * plus the special-token ids the rest of the toolkit needs (EOS, padding, optional BOS).
 *
 * <p>Special tokens come from {@code tokenizer_config.json} beside the file ({@code eos_token},
 * {@code bos_token}, {@code pad_token}; a string or an object with {@code content}) and are looked up
 * in {@code added_tokens} / the model vocabulary of {@code tokenizer.json}. Without a config the EOS
 * is the first of {@code </s>}, {@code <|endoftext|>}, {@code <eos>}, {@code <|eot_id|>},
 * {@code <|im_end|>} present. Without a pad token, padding uses EOS (the OU convention; attention
 * masks go by length, so the pad id never matters for scoring).
 *
 * <p>Loaded from a model directory whose {@code config.json} gives {@code vocab_size}, the tokenizer
 * is held to that vocabulary: a special token or an encoded text with an id the model's embedding has
 * no row for is an input error naming the tokenizer file, rather than an index error deep in the engine
 * (the tokenizer of another model, or tokens added without resizing the embedding).
 */
public final class TextTokenizer implements AutoCloseable {
    private static final List<String> EOS_GUESSES = List.of("</s>", "<|endoftext|>", "<eos>", "<|eot_id|>", "<|im_end|>");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HuggingFaceTokenizer hf;
    private final Map<String, Long> specials;
    private final long eosId;
    private final long padId;
    private final Long bosId;
    private final int vocabSize;
    private final int modelVocab;
    private final Path source;

    private TextTokenizer(HuggingFaceTokenizer hf, Path source, Map<String, Long> specials, long eosId, long padId,
            Long bosId, int vocabSize, int modelVocab) {
        this.hf = hf;
        this.modelVocab = modelVocab;
        this.source = source;
        this.specials = specials;
        this.eosId = eosId;
        this.padId = padId;
        this.bosId = bosId;
        this.vocabSize = vocabSize;
    }

    /**
     * Loads {@code tokenizer.json} from a model directory (or the file itself). Never downloads.
     *
     * @throws InvalidInputException when the file is missing or malformed, or no EOS token is found
     */
    public static TextTokenizer load(Path dirOrFile) {
        Path file = Files.isDirectory(dirOrFile) ? dirOrFile.resolve("tokenizer.json") : dirOrFile;
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException("No tokenizer at " + file + ": a model directory needs tokenizer.json");
        }
        JsonNode json;
        try {
            json = MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new InvalidInputException("Cannot parse " + file + ": " + ParseErrors.describe(e), e);
        }
        Map<String, Long> vocab = new HashMap<>();
        long maxId = -1;
        JsonNode mv = json.path("model").path("vocab");
        if (mv.isObject()) {
            for (var it = mv.fields(); it.hasNext(); ) {
                var e = it.next();
                vocab.put(e.getKey(), e.getValue().asLong());
                maxId = Math.max(maxId, e.getValue().asLong());
            }
        } else if (mv.isArray()) { // Unigram: [[piece, score], ...]
            for (int i = 0; i < mv.size(); i++) {
                vocab.put(mv.get(i).get(0).asText(), (long) i);
            }
            maxId = mv.size() - 1;
        }
        Map<String, Long> specials = new HashMap<>();
        for (JsonNode t : json.path("added_tokens")) {
            long id = t.path("id").asLong();
            vocab.put(t.path("content").asText(), id);
            maxId = Math.max(maxId, id);
            if (t.path("special").asBoolean(false)) {
                specials.put(t.path("content").asText(), id);
            }
        }
        JsonNode cfg = readConfig(file.resolveSibling("tokenizer_config.json"));
        Long eos = lookup(file, vocab, tokenName(cfg, "eos_token"), "eos_token");
        if (eos == null) {
            for (String g : EOS_GUESSES) {
                if (vocab.containsKey(g)) {
                    eos = vocab.get(g);
                    break;
                }
            }
        }
        if (eos == null) {
            throw new InvalidInputException("Tokenizer " + file + " has no EOS token: add tokenizer_config.json with"
                    + " \"eos_token\", or one of " + EOS_GUESSES + " to added_tokens");
        }
        Long bos = lookup(file, vocab, tokenName(cfg, "bos_token"), "bos_token");
        Long pad = lookup(file, vocab, tokenName(cfg, "pad_token"), "pad_token");
        int modelVocab = modelVocab(file.resolveSibling("config.json"));
        Map<String, Long> used = new java.util.LinkedHashMap<>(); // each can reach the embedding
        used.put("eos_token", eos);
        used.put("bos_token", bos);
        used.put("pad_token", pad);
        for (Map.Entry<String, Long> t : used.entrySet()) {
            if (t.getValue() != null && modelVocab > 0 && t.getValue() >= modelVocab) {
                throw new InvalidInputException("Tokenizer " + file + ": " + t.getKey() + " has id " + t.getValue() + ", "
                        + outside(modelVocab));
            }
        }
        try {
            HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(file,
                    Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false"));
            return new TextTokenizer(hf, file, Map.copyOf(specials), eos, pad == null ? eos : pad, bos,
                    (int) (maxId + 1), modelVocab);
        } catch (IOException | RuntimeException e) {
            throw new InvalidInputException("DJL could not load tokenizer " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code vocab_size} of the model config beside the tokenizer; 0 when there is none or it cannot be
     * read (the model's own load reports a broken config.json, naming it).
     */
    private static int modelVocab(Path config) {
        if (!Files.isRegularFile(config)) {
            return 0;
        }
        try {
            JsonNode v = MAPPER.readTree(config.toFile()).path("vocab_size");
            return v.canConvertToInt() && v.isIntegralNumber() && v.asInt() > 0 ? v.asInt() : 0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static JsonNode readConfig(Path cfg) {
        if (!Files.isRegularFile(cfg)) {
            return MAPPER.createObjectNode();
        }
        try {
            return MAPPER.readTree(cfg.toFile());
        } catch (IOException e) {
            throw new InvalidInputException("Cannot parse " + cfg + ": " + ParseErrors.describe(e), e);
        }
    }

    private static String tokenName(JsonNode cfg, String key) {
        JsonNode n = cfg.get(key);
        if (n == null || n.isNull()) {
            return null;
        }
        return n.isTextual() ? n.asText() : n.path("content").asText(null);
    }

    private static Long lookup(Path file, Map<String, Long> vocab, String token, String key) {
        if (token == null) {
            return null;
        }
        Long id = vocab.get(token);
        if (id == null) {
            throw new InvalidInputException("tokenizer_config.json beside " + file + " names " + key + " '" + token
                    + "', which is not in the vocabulary");
        }
        return id;
    }

    /** Token ids of {@code text}; with {@code addSpecialTokens} the tokenizer's post-processor adds BOS etc. */
    public long[] encode(String text, boolean addSpecialTokens) {
        Encoding e = hf.encode(text, addSpecialTokens, false);
        long[] ids = e.getIds();
        for (long id : ids) {
            if (modelVocab > 0 && id >= modelVocab) {
                throw new InvalidInputException(source + " encodes \"" + excerpt(text) + "\" with token id " + id + ", "
                        + outside(modelVocab));
            }
        }
        return ids;
    }

    private static String outside(int modelVocab) {
        return "outside the model's vocabulary 0.." + (modelVocab - 1) + " (vocab_size of config.json beside it);"
                + " the tokenizer does not belong to this model";
    }

    /** The start of {@code text} on one line, for an error message. */
    private static String excerpt(String text) {
        String one = text.replaceAll("\\p{Cntrl}", " ");
        return one.length() <= 60 ? one : one.substring(0, 57) + "...";
    }

    /** Token strings of {@code text} as the tokenizer produces them (special tokens included when asked). */
    public List<String> tokens(String text, boolean addSpecialTokens) {
        return Arrays.asList(hf.encode(text, addSpecialTokens, false).getTokens());
    }

    /** Decodes ids to text, optionally dropping special tokens. */
    public String decode(long[] ids, boolean skipSpecialTokens) {
        return hf.decode(ids, skipSpecialTokens);
    }

    public long eosId() {
        return eosId;
    }

    /** Padding id (the pad token, else EOS). */
    public long padId() {
        return padId;
    }

    /** BOS id when the tokenizer config names one, else null. */
    public Long bosId() {
        return bosId;
    }

    /** Number of ids (largest id + 1, added tokens included). */
    public int vocabSize() {
        return vocabSize;
    }

    /** Special (added) tokens by content. */
    public Map<String, Long> specialTokens() {
        return specials;
    }

    /** The tokenizer.json this was loaded from. */
    public Path source() {
        return source;
    }

    @Override
    public void close() {
        hf.close();
    }
}
