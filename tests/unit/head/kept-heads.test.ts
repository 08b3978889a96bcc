import { describe, expect, it } from 'vitest';
import { KeptHeads } from '../../../src/core/engine/head/kept-heads';
import type { PreparedModel } from '../../../src/core/engine/model/prepare-model';
import type { TrainedHead } from '../../../src/core/head/trained-head';

const head = (classes: string[]): TrainedHead => ({
  network: [],
  scaling: null,
  inputDropout: 0,
  hiddenDropout: 0,
  classes,
  pooling: 'mean',
});
const model = { info: { contentDigest: 'sha-1' } } as PreparedModel;
const other = { info: { contentDigest: 'sha-2' } } as PreparedModel;
/** The same bytes loaded again (the tour gives the user's model back). */
const reloaded = { info: { contentDigest: 'sha-1' } } as PreparedModel;

describe('KeptHeads', () => {
  it('gives each head its own id, serves it to the same model loaded again, and refuses another model or an evicted head by name', () => {
    const heads = new KeptHeads(2);
    const a = heads.keep(model, head(['a']));
    const b = heads.keep(model, head(['b']));
    expect(a).not.toBe(b);
    expect(heads.get(model, a).classes).toEqual(['a']);
    expect(() => heads.get(other, a)).toThrow(`The trained head ${a} was trained on another model`);
    expect(heads.get(reloaded, a).classes).toEqual(['a']);
    const c = heads.keep(model, head(['c']));
    expect(heads.size).toBe(2);
    expect(() => heads.get(model, a)).toThrow(`The trained head ${a} is no longer in the worker`);
    expect(heads.get(model, c).classes).toEqual(['c']);
    expect(() => heads.get(model, a)).toThrow(/train it again in the label tool/);
  });
});
