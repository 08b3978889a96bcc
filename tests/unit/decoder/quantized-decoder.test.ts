/**
 * An int8 dynamic-quantized decoder (decoder_model_quantized.onnx as optimum writes it): the LM head's
 * input found through the quantized MatMul (hidden state exposed), causal attention, MC dropout at p = 0 equal to
 * the plain next-token distribution, residual dropout sites on the quantized linear layers.
 */
import { describe, expect, it } from 'vitest';
import { PlaygroundEngine } from '../../../src/core/engine/playground-engine';
import { decodeModel, encodeModel } from '../../../src/core/onnx/codec';
import { prepareDecoderGraph } from '../../../src/core/onnx/decoder-graph';
import { insertMcDropout } from '../../../src/core/onnx/dropout';
import { quantizeDynamicInt8 } from '../../helpers/onnx-int8-model';
import { buildTinyDecoder } from '../../helpers/tiny-decoder';

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).buffer as ArrayBuffer;

describe.each(['gpt2', 'llama'] as const)('an int8 quantized tiny %s decoder', (family) => {
  const tiny = buildTinyDecoder({ family, layout: 'cache', layers: 2 });
  const quantized = quantizeDynamicInt8(decodeModel(tiny.bytes)).model;

  it('exposes the hidden state before the quantized LM head and gets the float model’s dropout sites', () => {
    const prepared = prepareDecoderGraph(quantized, tiny.configJson)!;
    expect(prepared.hiddenOutput).toBe('last_hidden_state');
    const float = prepareDecoderGraph(decodeModel(tiny.bytes), tiny.configJson)!;
    const sites = (graph: typeof prepared.model) =>
      insertMcDropout(graph, { config: tiny.configJson }).plan.sites.map((site) => site.noiseInput);
    expect(sites(prepared.model)).toEqual(sites(float.model));
  });

  it('through the engine: causal attention rows sum to 1, and p = 0 samples equal the dropout-off distribution', async () => {
    const engine = new PlaygroundEngine({
      appBase: 'http://localhost/',
      environment: { crossOriginIsolated: false, hardwareConcurrency: 1 },
    });
    await engine.load(
      {
        kind: 'files',
        files: {
          onnx: {
            name: 'decoder_model_quantized.onnx',
            bytes: encodeModel(quantized).slice().buffer as ArrayBuffer,
          },
          tokenizer: { name: 'tokenizer.json', bytes: json(tiny.tokenizerJson) },
          tokenizerConfig: { name: 'tokenizer_config.json', bytes: json(tiny.tokenizerConfig) },
          config: { name: 'config.json', bytes: json(tiny.configJson) },
        },
      },
      { executionProvider: 'wasm' },
    );
    const view = await engine.attention('the cat sat on the', null, {
      hideSpecial: false,
      averageHeads: false,
      rollout: false,
    });
    const seq = view.tokens.length;
    for (let row = 0; row < view.probs.length / seq; row++)
      expect(view.probs.slice(row * seq, (row + 1) * seq).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    const settings = {
      samples: 3,
      dropout: 0,
      sites: ['attention' as const, 'hidden' as const],
      stochasticLayers: 'all' as const,
      seed: 1,
    };
    const off = await engine.predict({ task: 'next-token', text: 'the cat sat on the', topK: 5 }, settings);
    expect(off.summary.mutualInformation).toBe(0);
    off.ids.forEach((_, j) => expect(off.mean[j]).toBe(off.deterministic[j]));
  });
});
