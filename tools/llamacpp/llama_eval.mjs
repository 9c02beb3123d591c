// Runs a GGUF through llama.cpp (the prebuilt CPU build shipped in the npm package node-llama-cpp) on
// the prompt of a case directory: last-position logits of the prompt and a greedy continuation.
// Usage: node llama_eval.mjs CASE_DIR   (writes CASE_DIR/llamacpp.json)
import {getLlama} from "node-llama-cpp";
import fs from "node:fs";
import path from "node:path";

const dir = process.argv[2];
const {prompt, new_tokens: newTokens} = JSON.parse(fs.readFileSync(path.join(dir, "prompt.json"), "utf8"));
const llama = await getLlama({gpu: false, build: "never", logLevel: "error"});
const model = await llama.loadModel({modelPath: path.join(dir, "model.gguf"), gpuLayers: 0});
const context = await model.createContext({contextSize: prompt.length + newTokens + 8, batchSize: 512,
    threads: 2, flashAttention: false});
const seq = context.getSequence();

function argmax(logits) {
    let best = -1, bestV = -Infinity;
    for (const [tok, v] of logits) {
        if (v > bestV || (v === bestV && tok < best)) {
            best = tok;
            bestV = v;
        }
    }
    return best;
}

function toArray(logits) {
    const a = new Array(model.tokens.length ?? logits.size).fill(null);
    for (const [tok, v] of logits) {
        a[tok] = v;
    }
    return a;
}

const input = prompt.map((t, i) => i === prompt.length - 1 ? [t, {generateNext: {logits: true}}] : t);
const res = await seq.controlledEvaluate(input);
const last = res[prompt.length - 1].next.logits;
const lastLogits = toArray(last);
const greedy = [];
let next = argmax(last);
for (let i = 0; i < newTokens; i++) {
    greedy.push(next);
    const r = await seq.controlledEvaluate([[next, {generateNext: {logits: true}}]]);
    next = argmax(r[0].next.logits);
}
fs.writeFileSync(path.join(dir, "llamacpp.json"), JSON.stringify({last_logits: lastLogits, greedy}));
console.log(dir, "llama.cpp done; greedy", greedy.slice(0, 8).join(" "), "...");
await context.dispose();
await model.dispose();
