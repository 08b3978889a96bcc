/** Each task's MC-dropout graph computes only the output it reads (tiny transformer, onnxruntime-web in Node). */
import { describe, expect, it } from 'vitest';
import { noiseFeeds } from '../../../src/core/engine/uncertainty/mc-sampling';
import { buildMcGraph, normalizeGraphConfig } from '../../../src/core/engine/uncertainty/mc-sessions';
import { decodeModel, encodeModel, OnnxGraphError } from '../../../src/core/onnx';
import { pruneToOutputs } from '../../../src/core/onnx/prune';
import { floats, ort, runOnce, textFeeds } from '../../helpers/onnx-runtime';
import { buildTinyTransformer } from '../../helpers/tiny-transformer';

const tiny = buildTinyTransformer({ seed: 5 });
const graph = decodeModel(tiny.bytes);
const layers = tiny.config.layers;
const modelConfig = { num_attention_heads: tiny.config.heads, hidden_size: tiny.config.hidden };
const ids = [[2, 20, 4, 25, 3]];
const rows = 3;

/** Names of the nodes `output` depends on. */
function upstreamNodes(model: typeof graph, output: string): Set<string> {
  const producer = new Map(model.graph.node.flatMap((node) => node.output.map((name) => [name, node] as const)));
  const seen = new Set<string>();
  const stack = [output];
  while (stack.length > 0) {
    const node = producer.get(stack.pop()!);
    if (!node || seen.has(node.name!)) continue;
    seen.add(node.name!);
    stack.push(...node.input);
  }
  return seen;
}

describe('task-pruned MC-dropout graphs', () => {
  const full = buildMcGraph(
    graph,
    normalizeGraphConfig(layers, ['attention', 'hidden'], { lastK: 1 }),
    layers,
    modelConfig,
  );
  const forClassifier = upstreamNodes(full.model, 'classifier_logits');
  const forLogits = upstreamNodes(full.model, 'logits');

  it('classification: no MLM head nodes, no mlm_positions input, and the same samples as the unpruned graph', async () => {
    const built = buildMcGraph(
      graph,
      normalizeGraphConfig(layers, ['attention', 'hidden'], { lastK: 1 }, { task: 'classification' }),
      layers,
      modelConfig,
    );
    const names = new Set(built.model.graph.node.map((node) => node.name));
    const mlmHead = [...forLogits].filter((name) => !forClassifier.has(name));
    expect(mlmHead.length).toBeGreaterThan(3);
    expect(mlmHead.filter((name) => names.has(name))).toEqual([]);
    expect(built.model.graph.output.map((output) => output.name)).toEqual(['classifier_logits']);
    expect(built.model.graph.input.map((input) => input.name)).not.toContain('mlm_positions');
    expect(built.restriction).toBeNull();

    const noise = noiseFeeds(built.plan, 5, 0, rows - 1, { dropout: 0.3, seed: 9 }, 0, true);
    const pruned = await runOnce(encodeModel(built.model), { ...textFeeds(ids), ...noise });
    const unpruned = await runOnce(encodeModel(full.model), {
      ...textFeeds(ids),
      ...noise,
      mlm_positions: new ort.Tensor('int64', new BigInt64Array(rows), [rows]),
    });
    expect(Object.keys(pruned)).toEqual(['classifier_logits']);
    expect(Array.from(floats(pruned.classifier_logits))).toEqual(Array.from(floats(unpruned.classifier_logits)));
  });

  it('fill-mask: no classifier nodes, the restricted head, and the same logits as the unpruned graph', async () => {
    const built = buildMcGraph(
      graph,
      normalizeGraphConfig(layers, ['attention', 'hidden'], { lastK: 1 }, { task: 'fill-mask' }),
      layers,
      modelConfig,
    );
    const names = new Set(built.model.graph.node.map((node) => node.name));
    const classifier = [...forClassifier].filter((name) => !forLogits.has(name));
    expect(classifier.length).toBeGreaterThan(0);
    expect(classifier.filter((name) => names.has(name))).toEqual([]);
    expect(built.model.graph.output.map((output) => output.name)).toEqual(['logits']);
    expect(built.restriction).not.toBeNull();

    const positions = new ort.Tensor('int64', new BigInt64Array(rows).fill(2n), [rows]);
    const noise = noiseFeeds(built.plan, 5, 0, rows, { dropout: 0.3, seed: 9 });
    const pruned = await runOnce(encodeModel(built.model), { ...textFeeds(ids), ...noise, mlm_positions: positions });
    const unpruned = await runOnce(encodeModel(full.model), { ...textFeeds(ids), ...noise, mlm_positions: positions });
    expect(Array.from(floats(pruned.logits))).toEqual(Array.from(floats(unpruned.logits)));
  });

  it('pruneToOutputs leaves the input model alone and names an output it does not have', () => {
    const before = graph.graph.node.length;
    const { model, summary } = pruneToOutputs(graph, ['classifier_logits']);
    expect(graph.graph.node.length).toBe(before);
    expect(model.graph.node.length + summary.removedNodes.length).toBe(before);
    expect(summary.droppedOutputs).toContain('logits');
    expect(() => pruneToOutputs(graph, ['nope'])).toThrow(OnnxGraphError);
  });
});
