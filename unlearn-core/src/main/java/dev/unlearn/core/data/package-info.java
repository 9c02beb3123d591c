/**
 * Datasets: TOFU-style question/answer records and MUSE-style raw texts, their readers and writers
 * (JSON array or JSON Lines; errors name file and line), stable content-hash ids, forget/retain
 * splits, and batching with right padding and label masks (only answer tokens are targets), including
 * the forget/retain pairing of methods.md §1.1. Raw text: {@link dev.unlearn.core.data.RawTextReader}
 * (file / line / paragraph documents, JSONL {@code text}), {@link dev.unlearn.core.data.TextChunker}
 * (token-budget windows with stride) and {@link dev.unlearn.core.data.MuseCorpus} (the MUSE folder layout).
 *
 * <p>May use Jackson and DJL's {@code NDManager} (only {@link dev.unlearn.core.data.Batch} creates
 * arrays, inside a caller's manager). Knows no model, method or metric.
 */
package dev.unlearn.core.data;
