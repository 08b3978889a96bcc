import { describe, expect, it } from 'vitest';
import { loadProgressText } from '../../../src/ui/model/load-progress';

describe('the model progress line', () => {
  it('before any byte arrived it says the files are being found, not "Downloading model 0 B"', () => {
    const first = loadProgressText({ loaded: 0, total: null, fraction: null, file: '', stage: 'download' });
    expect(first).toEqual({ label: 'Loading model', detail: 'Finding the model files…' });
    expect(first.detail).not.toMatch(/0 B/);
  });

  it('counts the bytes of the file that is downloading, and says when the graph is being prepared', () => {
    expect(
      loadProgressText({
        loaded: 2_500_000,
        total: 7_700_000,
        fraction: 0.32,
        file: 'onnx/model.onnx',
        stage: 'download',
      }),
    ).toEqual({ label: 'Downloading model', detail: 'onnx/model.onnx: 2.5 MB of 7.7 MB' });
    expect(loadProgressText({ loaded: 1, total: 1, fraction: 1, file: '', stage: 'prepare' }).label).toBe(
      'Preparing model',
    );
  });
});
