/**
 * The recipe pipeline: {@link dev.unlearn.cli.pipeline.RunPipeline} runs stages through
 * {@link dev.unlearn.cli.pipeline.StageRunner}, which fingerprints each stage (config, seed, input
 * digests), writes into a temporary folder and renames it into place, so unchanged stages are skipped
 * and an interrupted run resumes without corrupt outputs.
 */
package dev.unlearn.cli.pipeline;
