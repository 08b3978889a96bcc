import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel, exposeAttention } from '../../../src/core/onnx';
import { OutputRoutingSession, leanModelFor } from '../../../src/core/runtime/output-routing-session';
import { createSession, textFeeds } from '../../helpers/onnx-runtime';
import { buildTinyTransformer } from '../../helpers/tiny-transformer';

describe('leanModelFor / OutputRoutingSession', () => {
  const tiny = buildTinyTransformer({ layers: 2, heads: 2, hidden: 16 });
  const exposed = exposeAttention(decodeModel(tiny.bytes));
  const reads = [...exposed.attentionOutputs.map((o) => o.outputName), 'last_hidden_state'];
  const feeds = () =>
    textFeeds(
      [
        [2, 20, 16, 22, 3],
        [2, 17, 6, 3, 0],
      ],
      [
        [1, 1, 1, 1, 1],
        [1, 1, 1, 1, 0],
      ],
    );

  it('keeps only what the outputs need: no MLM head, no classifier', () => {
    const pruned = leanModelFor(exposed.model, reads)!;
    expect(pruned.graph.output.map((o) => o.name)).toEqual(
      exposed.model.graph.output.map((o) => o.name).filter((name) => reads.includes(name ?? '')),
    );
    expect(pruned.graph.node.length).toBeLessThan(exposed.model.graph.node.length);
    expect(pruned.graph.node.some((n) => (n.name ?? '').includes('cls/predictions'))).toBe(false);
    expect(pruned.graph.node.some((n) => (n.name ?? '').includes('classifier'))).toBe(false);
    expect(pruned.graph.initializer.some((t) => t.name === 'cls.predictions.bias')).toBe(false);
    // The original is untouched.
    expect(exposed.model.graph.output.some((o) => o.name === 'logits')).toBe(true);
  });

  it('returns null when nothing would be dropped or an output is unknown', () => {
    const all = exposed.model.graph.output.map((o) => o.name ?? '');
    expect(leanModelFor(exposed.model, all)).toBeNull();
    expect(leanModelFor(exposed.model, ['no_such_output'])).toBeNull();
  });

  it('gives the same values as the full model, and routes other fetches to a full session made once', async () => {
    const fullBytes = encodeModel(exposed.model);
    const reference = await createSession(fullBytes);
    const lean = await createSession(encodeModel(leanModelFor(exposed.model, reads)!));
    let created = 0;
    const routed = new OutputRoutingSession(
      lean,
      async () => {
        created++;
        return createSession(fullBytes);
      },
      reference.outputNames,
    );
    const expected = await reference.run(feeds());

    const fromLean = await routed.run(feeds(), reads);
    expect(created).toBe(0);
    for (const name of reads)
      expect(Array.from(fromLean[name].data as Float32Array)).toEqual(Array.from(expected[name].data as Float32Array));

    const logits = await routed.run(feeds(), ['logits', 'last_hidden_state']);
    expect(created).toBe(1);
    expect(Array.from(logits.logits.data as Float32Array)).toEqual(Array.from(expected.logits.data as Float32Array));
    const everything = await routed.run(feeds());
    expect(created).toBe(1);
    expect(Object.keys(everything).sort()).toEqual([...reference.outputNames].sort());
    expect(routed.inputNames).toEqual(reference.inputNames);
    await routed.release();
    await reference.release();
  });
});
