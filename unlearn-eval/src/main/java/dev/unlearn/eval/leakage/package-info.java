/**
 * The leakage suite: attacks that try to get "forgotten" knowledge back out of a model (relearning,
 * weight quantisation, paraphrase and format shift, logit lens, prompt prefixes), each run on the
 * model under test and on the retain model, reported as recovered-knowledge scores and their
 * difference. See {@link dev.unlearn.eval.leakage.LeakageSuite}.
 */
package dev.unlearn.eval.leakage;
