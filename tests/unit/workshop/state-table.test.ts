import { describe, expect, it } from 'vitest';
import {
  clampToRow,
  MAX_HASH_LENGTH,
  parseStateHash,
  rowBounds,
  serializeStateHash,
  type StateProperty,
} from '../../../src/core/workshop/state-table';
import { formatModelRef, parseModelRef } from '../../../src/core/workshop/model-ref';

const TABLE: StateProperty[] = [
  {
    key: 'tool',
    label: 'Tool',
    type: { kind: 'enum', values: ['attention', 'uncertainty'] },
    defaultValue: 'attention',
  },
  { key: 'text', label: 'Sentence', type: { kind: 'string', maxLength: 50 }, defaultValue: 'The cat sat.' },
  { key: 'layer', label: 'Layer', type: { kind: 'int', min: 0, max: 11 }, defaultValue: 0 },
  { key: 'p', label: 'Dropout p', type: { kind: 'number', min: 0, max: 0.95 }, nullable: true, defaultValue: null },
  { key: 'pair', label: 'Pair', type: { kind: 'bool' }, defaultValue: false },
  {
    key: 'analogy',
    label: 'Words',
    type: { kind: 'list', maxItems: 3, maxItemLength: 20 },
    defaultValue: ['man', 'woman', 'king'],
  },
  { key: '_hide', label: 'Hidden', type: { kind: 'list', maxItems: 2, values: ['seed', 'layer'] }, defaultValue: [] },
];

describe('view state in the URL hash', () => {
  it('round-trips every type, writing only what differs from the defaults', () => {
    const values = {
      tool: 'uncertainty',
      text: 'Ünïcode & spaces + [MASK] #1',
      layer: 3,
      p: 0.25,
      pair: true,
      analogy: ['paris', 'france', 'tokyo'],
      _hide: ['seed'],
    };
    const hash = serializeStateHash(values, TABLE);
    expect(hash).toBe(
      'tool=uncertainty&text=%C3%9Cn%C3%AFcode%20%26%20spaces%20%2B%20%5BMASK%5D%20%231&layer=3&p=0.25&pair=1&analogy=paris%2Cfrance%2Ctokyo&_hide=seed',
    );
    expect(parseStateHash(`#${hash}`, TABLE)).toEqual({ values, problems: [] });
    expect(
      serializeStateHash(
        {
          tool: 'attention',
          text: 'The cat sat.',
          layer: 0,
          p: null,
          pair: false,
          analogy: ['man', 'woman', 'king'],
          _hide: [],
        },
        TABLE,
      ),
    ).toBe('');
  });

  it('keeps the good settings of a garbage link and names each bad one, with the default used', () => {
    const parsed = parseStateHash('#tool=attention&layer=99&p=abc&pair=maybe&bogus=1&text=ok', TABLE);
    expect(parsed.values).toEqual({ tool: 'attention', text: 'ok' });
    expect(parsed.problems).toEqual([
      'Layer (layer): "99" is not a whole number from 0 to 11; the default is used.',
      'Dropout p (p): "abc" is not a number from 0 to 0.95; the default is used.',
      'Pair (pair): "maybe" is not 1 or 0; the default is used.',
      'Unknown setting "bogus" was ignored.',
    ]);
  });

  it('refuses huge values and huge links, and quotes script-like text as inert, clipped text', () => {
    const long = parseStateHash(`text=${'a'.repeat(51)}`, TABLE);
    expect(long.values).toEqual({});
    expect(long.problems[0]).toMatch(/^Sentence \(text\): 51 characters is longer than the 50 allowed/);
    const script = parseStateHash(`tool=${encodeURIComponent('<script>alert(1)</script>'.repeat(5))}`, TABLE);
    expect(script.values).toEqual({});
    expect(script.problems[0]).toBe(
      'Tool (tool): "<script>alert(1)</script><script>alert(1…" is not one of attention, uncertainty; the default is used.',
    );
    const huge = parseStateHash(`text=${'x'.repeat(MAX_HASH_LENGTH)}`, TABLE);
    expect(huge.values).toEqual({});
    expect(huge.problems[0]).toMatch(/is 100,005 characters long \(at most 100,000\); it was ignored/);
    expect(parseStateHash('#%E0%A4%A', TABLE)).toEqual({
      values: {},
      problems: ['Unknown setting "\uFFFD%A" was ignored.'],
    });
  });

  it('checks list items against their allowed values and lengths, and summarises many problems', () => {
    expect(parseStateHash('_hide=seed,nope', TABLE).problems).toEqual([
      'Hidden (_hide): "nope" is not one of seed, layer; the default is used.',
    ]);
    expect(parseStateHash(`analogy=a,${'b'.repeat(21)},c`, TABLE).problems).toEqual([
      'Words (analogy): an item is longer than 20 characters; the default is used.',
    ]);
    expect(parseStateHash('analogy=a,b,c,d', TABLE).problems).toEqual([
      'Words (analogy): 4 items is more than the 3 allowed; the default is used.',
    ]);
    const many = parseStateHash(Array.from({ length: 9 }, (_, i) => `junk${i}=1`).join('&'), TABLE);
    expect(many.problems).toHaveLength(6);
    expect(many.problems[5]).toBe('…and 4 more settings were ignored.');
  });
});

describe('model references in links', () => {
  it('round-trips built-in, Hub and URL models', () => {
    for (const source of [
      { kind: 'embedded', name: 'playground-bert-mini' },
      { kind: 'hub', repo: 'Xenova/bert-base-uncased' },
      { kind: 'hub', repo: 'me/model', revision: 'v2' },
      { kind: 'url', url: 'https://example.org/models/bert/' },
    ] as const) {
      expect(parseModelRef(formatModelRef(source))).toEqual(source);
    }
  });

  it('rejects what is not a model reference', () => {
    expect(parseModelRef('hub:<script>')).toEqual({ error: '"<script>" is not a Hugging Face repo id (owner/name)' });
    expect(parseModelRef('url:javascript:alert(1)')).toEqual({ error: 'a model address must start with https://' });
    expect(parseModelRef('../../etc/passwd')).toEqual({
      error: '"../../etc/passwd" is not the name of a built-in model',
    });
  });
});

describe('numbers typed into a setting', () => {
  const samples = { type: { kind: 'int', min: 1, max: 256 }, defaultValue: 32 } as const;
  const dropout = { type: { kind: 'number', min: 0, max: 0.95 }, defaultValue: 0.1 } as const;

  it('are brought within the row, rounded for an integer row, and within a narrower model bound', () => {
    expect([clampToRow(0, samples), clampToRow(999, samples), clampToRow(7.5, samples)]).toEqual([1, 256, 8]);
    expect([clampToRow(-1, dropout), clampToRow(0.333, dropout), clampToRow(2, dropout)]).toEqual([0, 0.333, 0.95]);
    expect(clampToRow(12, samples, 4)).toBe(4);
  });

  it('are refused when not a number, and a row that is not numeric has no bounds', () => {
    expect(clampToRow(Number.NaN, samples)).toBeNull();
    expect(clampToRow(Number.POSITIVE_INFINITY, samples)).toBeNull();
    expect(rowBounds(samples)).toEqual({ min: 1, max: 256 });
    expect(rowBounds({ type: { kind: 'bool' }, defaultValue: true })).toBeNull();
  });
});
