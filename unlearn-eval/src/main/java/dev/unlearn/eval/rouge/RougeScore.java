package dev.unlearn.eval.rouge;

/**
 * Precision, recall and F1 of one ROUGE variant for one (target, prediction) pair.
 *
 * @param precision matched / prediction length
 * @param recall matched / target length
 * @param f1 {@code 2PR/(P+R)}, 0 when {@code P+R = 0}
 */
public record RougeScore(double precision, double recall, double f1) {
    static final RougeScore ZERO = new RougeScore(0, 0, 0);

    static RougeScore of(double precision, double recall) {
        double f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
        return new RougeScore(precision, recall, f1);
    }
}
