package dev.unlearn.core.synth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * Builds a word-level Hugging Face {@code tokenizer.json} from a corpus.
 *
 * <p>Pipeline (as the tokenizers library runs it): pre-tokenizer {@code Sequence[Metaspace(▁,
 * prepend_scheme=never, split), Split("\n", Isolated), Punctuation(Isolated)]}, model
 * {@code WordLevel} with {@code <unk>}, post-processor that prepends {@code <s>}, decoder
 * {@code Metaspace} (▁ back to a space). So a word carries its leading space ({@code ▁Paris}), newlines
 * and punctuation are tokens of their own, and decoding restores the text exactly. For every word the
 * vocabulary holds both the spaced and the bare form, so any spacing of corpus words stays known.
 * Special tokens: {@code <pad>}=0, {@code <s>}=1, {@code </s>}=2, {@code <unk>}=3; the rest sorted
 * by string (deterministic).
 */
public final class SynthTokenizer {
    public static final String PAD = "<pad>", BOS = "<s>", EOS = "</s>", UNK = "<unk>";
    static final char SPACE = '\u2581';
    private static final List<String> SPECIALS = List.of(PAD, BOS, EOS, UNK);

    private SynthTokenizer() {}

    /** Pre-tokenizes {@code text} the way the written tokenizer.json does (Java mirror, used for the vocabulary). */
    public static List<String> preTokenize(String text) {
        String s = text.replace(' ', SPACE);
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == SPACE && cur.length() > 0) {
                out.add(cur.toString());
                cur.setLength(0);
            }
            if (c == '\n' || isPunctuation(c)) {
                if (cur.length() > 0) {
                    out.add(cur.toString());
                    cur.setLength(0);
                }
                out.add(String.valueOf(c));
                continue;
            }
            cur.append(c);
        }
        if (cur.length() > 0) {
            out.add(cur.toString());
        }
        return out;
    }

    static boolean isPunctuation(char c) {
        if (c < 128) {
            return "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".indexOf(c) >= 0;
        }
        int t = Character.getType(c);
        return t == Character.CONNECTOR_PUNCTUATION || t == Character.DASH_PUNCTUATION
                || t == Character.START_PUNCTUATION || t == Character.END_PUNCTUATION
                || t == Character.INITIAL_QUOTE_PUNCTUATION || t == Character.FINAL_QUOTE_PUNCTUATION
                || t == Character.OTHER_PUNCTUATION;
    }

    /** The sorted non-special vocabulary of a corpus. */
    public static List<String> vocabulary(Collection<String> corpus) {
        TreeSet<String> words = new TreeSet<>();
        words.add(String.valueOf(SPACE));
        words.add("\n");
        for (String text : corpus) {
            for (String p : preTokenize(text)) {
                words.add(p);
                if (p.length() > 1 && p.charAt(0) == SPACE) {
                    words.add(p.substring(1));
                } else if (!p.equals("\n") && !(p.length() == 1 && isPunctuation(p.charAt(0))) && p.charAt(0) != SPACE) {
                    words.add(SPACE + p);
                }
            }
        }
        SPECIALS.forEach(words::remove);
        return new ArrayList<>(words);
    }

    /** The tokenizer.json document for {@code corpus}. */
    public static ObjectNode tokenizerJson(ObjectMapper mapper, Collection<String> corpus) {
        ObjectNode root = mapper.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int i = 0; i < SPECIALS.size(); i++) {
            ObjectNode t = added.addObject();
            t.put("id", i);
            t.put("content", SPECIALS.get(i));
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
        }
        root.putNull("normalizer");
        ObjectNode pre = root.putObject("pre_tokenizer");
        pre.put("type", "Sequence");
        ArrayNode seq = pre.putArray("pretokenizers");
        ObjectNode meta = seq.addObject();
        meta.put("type", "Metaspace");
        meta.put("replacement", String.valueOf(SPACE));
        meta.put("prepend_scheme", "never");
        meta.put("split", true);
        ObjectNode nl = seq.addObject();
        nl.put("type", "Split");
        nl.putObject("pattern").put("String", "\n");
        nl.put("behavior", "Isolated");
        nl.put("invert", false);
        seq.addObject().put("type", "Punctuation").put("behavior", "Isolated");
        ObjectNode post = root.putObject("post_processor");
        post.put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        single.addObject().putObject("SpecialToken").put("id", BOS).put("type_id", 0);
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        ArrayNode pair = post.putArray("pair");
        pair.addObject().putObject("SpecialToken").put("id", BOS).put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
        ObjectNode st = post.putObject("special_tokens").putObject(BOS);
        st.put("id", BOS);
        st.putArray("ids").add(1);
        st.putArray("tokens").add(BOS);
        ObjectNode dec = root.putObject("decoder");
        dec.put("type", "Metaspace");
        dec.put("replacement", String.valueOf(SPACE));
        dec.put("prepend_scheme", "never");
        dec.put("split", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "WordLevel");
        ObjectNode vocab = model.putObject("vocab");
        for (int i = 0; i < SPECIALS.size(); i++) {
            vocab.put(SPECIALS.get(i), i);
        }
        int id = SPECIALS.size();
        for (String w : vocabulary(corpus)) {
            vocab.put(w, id++);
        }
        model.put("unk_token", UNK);
        return root;
    }

    /** tokenizer_config.json naming the special tokens (read by {@code TextTokenizer}). */
    public static ObjectNode tokenizerConfig(ObjectMapper mapper) {
        return mapper.valueToTree(new TokenizerConfig("PreTrainedTokenizerFast", BOS, EOS, PAD, UNK, true, 512));
    }

    /** The keys of tokenizer_config.json, in file order. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    private record TokenizerConfig(String tokenizerClass, String bosToken, String eosToken, String padToken,
            String unkToken, boolean addBosToken, int modelMaxLength) {}
}
