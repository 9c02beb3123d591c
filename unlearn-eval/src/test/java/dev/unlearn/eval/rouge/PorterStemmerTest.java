package dev.unlearn.eval.rouge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Test vector A-STEM of spec Appendix A. */
class PorterStemmerTest {
    private static final String VECTOR = """
            caresses→caress  ponies→poni  ties→tie  dies→die  skies→sky  news→news  dying→die  innings→inning
            proceed→proceed  died→die  cried→cri  agreed→agre  feed→feed  plastered→plaster  motoring→motor
            sing→sing  conflated→conflat  troubled→troubl  sized→size  hopping→hop  tanned→tan  falling→fall
            hissing→hiss  fizzed→fizz  failing→fail  filing→file  happy→happi  enjoy→enjoy  spy→spi
            relational→relat  conditional→condit  rational→ration  valenci→valenc  digitizer→digit
            conformabli→conform  radicalli→radic  differentli→differ  vileli→vile  analogousli→analog
            vietnamization→vietnam  predication→predic  operator→oper  feudalism→feudal  decisiveness→decis
            hopefulness→hope  callousness→callous  formaliti→formal  sensitiviti→sensit  sensibiliti→sensibl
            fulli→fulli  hopefulli→hope  geology→geolog  biology→biolog  triplicate→triplic  formative→form
            formalize→formal  electriciti→electr  electrical→electr  hopeful→hope  goodness→good  revival→reviv
            allowance→allow  inference→infer  airliner→airlin  gyroscopic→gyroscop  adjustable→adjust
            defensible→defens  irritant→irrit  replacement→replac  adjustment→adjust  dependent→depend
            adoption→adopt  homologou→homolog  communism→commun  activate→activ  angulariti→angular
            homologous→homolog  effective→effect  bowdlerize→bowdler  probate→probat  rate→rate  cease→ceas
            controll→control  roll→roll  generously→gener  1990s→1990  authors→author  writing→write
            written→written  awards→award  literary→literari  genre→genr  fantasy→fantasi  novels→novel
            inspired→inspir  characters→charact  themes→theme  identity→ident  identities→ident
            resilience→resili  renowned→renown  additionally→addit  emotionally→emot  beautifully→beauti
            carefully→care  always→alway  days→day  eyes→eye  ages→age  aging→age  sly→sli
            """;

    @Test
    void matchesNltkExtensionsVector() {
        int n = 0;
        StringBuilder failures = new StringBuilder();
        for (String pair : VECTOR.trim().split("\\s+")) {
            String[] wordStem = pair.split("→");
            String got = PorterStemmer.INSTANCE.stem(wordStem[0]);
            if (!got.equals(wordStem[1])) {
                failures.append(wordStem[0]).append(": expected ").append(wordStem[1]).append(" got ").append(got).append('\n');
            }
            n++;
        }
        assertEquals("", failures.toString());
        assertEquals(111, n, "vector size");
    }

    @Test
    void measureExamples() {
        assertEquals(0, PorterStemmer.measure("tree"));
        assertEquals(1, PorterStemmer.measure("trouble"));
        assertEquals(2, PorterStemmer.measure("private"));
        assertEquals(1, PorterStemmer.measure("ivy"));
    }
}
