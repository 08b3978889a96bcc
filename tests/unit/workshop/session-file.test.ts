import { describe, expect, it } from 'vitest';
import type { LabelAuditOutput } from '../../../src/core/contracts/labels';
import { decodeSession, encodeSession, SESSION_VERSION, type Session } from '../../../src/core/workshop/session-file';
import { TOUR_QUESTIONS, TOUR_STEPS } from '../../../src/core/workshop/tour';

function sampleSession(): Session {
  const rows = 3;
  return {
    savedAt: '2026-11-24T12:00:00.000Z',
    state: { tool: 'labels', layer: '2', seed: '9' },
    labels: {
      input: 'text,label\n"a, b",x\nc,y\nd,x\n',
      sourceName: 'pasted',
      parse: { format: 'auto', delimiter: 'auto' },
      settings: { features: 'embeddings', folds: 2 },
      audit: {
        result: {
          classes: ['x', 'y'],
          rows,
          numClasses: 2,
          givenLabels: Int32Array.from([0, 1, 0]),
          suggestedLabels: Int32Array.from([1, 1, 0]),
          probabilities: Float64Array.from([0.1, 0.9, 1 / 3, 2 / 3, Math.PI / 4, 1 - Math.PI / 4]),
          qualityScores: Float64Array.from([0.1, 2 / 3, Math.PI / 4]),
          isIssue: Uint8Array.from([1, 0, 0]),
          ranking: Int32Array.from([0]),
          // Only the fields the file checks: the session shape is the tool's, the test needs no more of it.
        } as unknown as LabelAuditOutput,
        audited: { packedTexts: 'a, b\u0000c\u0000d', count: rows, sourceRows: Int32Array.from([1, 2, 3]) },
        decisions: Uint8Array.from([1, 0, 3]),
        stale: false,
      },
    },
  };
}

describe('session files', () => {
  it('restore the pasted data, the audit numbers and the decisions exactly', () => {
    const session = sampleSession();
    const { session: back, notes } = decodeSession(encodeSession(session));
    expect(notes).toEqual([]);
    expect(back).toEqual(session);
    const probabilities = back.labels!.audit!.result.probabilities as Float64Array;
    expect(probabilities).toBeInstanceOf(Float64Array);
    expect(Array.from(probabilities)).toEqual([0.1, 0.9, 1 / 3, 2 / 3, Math.PI / 4, 1 - Math.PI / 4]);
  });

  it('say plainly why a file is refused', () => {
    const good = encodeSession(sampleSession());
    const cases: [string, RegExp][] = [
      ['', /^The file is empty\.$/],
      [good.slice(0, good.length / 2), /not valid JSON \(it may be cut short\)/],
      ['{"name": "my-app", "version": "1.0.0", "dependencies": {}}', /not a Transformer Playground session/],
      ['[1, 2, 3]', /not a Transformer Playground session/],
      [
        good.replace(`"version":${SESSION_VERSION}`, '"version":99'),
        /saved by a newer version of the playground \(format 99\)/,
      ],
      [good.replace('"state":{', '"state":{"zoom":2,'), /its "state" is not a list of settings/],
      [
        good.replace(
          '"decisions":{"$typed":"Uint8Array","data":[1,0,3]}',
          '"decisions":{"$typed":"Uint8Array","data":[1,0]}',
        ),
        /decisions do not match the audited rows/,
      ],
      [
        good.replace(
          '"qualityScores":{"$typed":"Float64Array","data":[',
          '"qualityScores":{"$typed":"Float64Array","data":[7,',
        ),
        /qualityScores do not match its 3 rows/,
      ],
      [
        good.replace('"$typed":"Int32Array"', '"$typed":"BigInt64Array"'),
        /an array of an unknown kind \("BigInt64Array"\)/,
      ],
      [good.replace('"input":"', '"input":5,"x":"'), /the pasted data is missing/],
    ];
    for (const [text, message] of cases) expect(() => decodeSession(text), String(message)).toThrow(message);
  });

  it('ignore fields it does not know, and say so', () => {
    const text = encodeSession(sampleSession()).replace(/^\{/, '{"theme":"dark","plugins":[],');
    const { session, notes } = decodeSession(text);
    expect(session.state).toEqual({ tool: 'labels', layer: '2', seed: '9' });
    expect(notes).toEqual(['Ignored fields this version does not know: theme, plugins.']);
  });
});

describe('guided tour', () => {
  it('has 8–12 short steps that cover all four tools and every question', () => {
    expect(TOUR_STEPS.length).toBeGreaterThanOrEqual(8);
    expect(TOUR_STEPS.length).toBeLessThanOrEqual(12);
    expect(new Set(TOUR_STEPS.map((s) => s.state.tool))).toEqual(
      new Set(['attention', 'uncertainty', 'analogy', 'labels']),
    );
    expect(new Set(TOUR_STEPS.map((s) => s.question))).toEqual(new Set(Object.values(TOUR_QUESTIONS)));
    expect(new Set(TOUR_STEPS.map((s) => s.id)).size).toBe(TOUR_STEPS.length);
    for (const step of TOUR_STEPS) expect(step.body.split(/\s+/).length, step.id).toBeLessThanOrEqual(60);
  });
});
