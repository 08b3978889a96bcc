import { describe, expect, it } from 'vitest';
import { describeSource, modelBaseUrl } from '../../../src/core/model/sources';

const app = 'http://localhost:4173/';

describe('model sources resolve to a Hugging Face folder layout', () => {
  it('puts the embedded model under the app', () => {
    expect(modelBaseUrl({ kind: 'embedded', name: 'playground-bert-mini' }, app)).toBe(
      'http://localhost:4173/models/playground-bert-mini/',
    );
  });

  it('builds {host}/{repo}/resolve/{revision}/ for a Hub repo, host configurable', () => {
    expect(modelBaseUrl({ kind: 'hub', repo: 'Xenova/bert-base-uncased' }, app)).toBe(
      'https://huggingface.co/Xenova/bert-base-uncased/resolve/main/',
    );
    expect(modelBaseUrl({ kind: 'hub', repo: ' me/m ', revision: 'v1.0', host: 'http://127.0.0.1:9000/' }, app)).toBe(
      'http://127.0.0.1:9000/me/m/resolve/v1.0/',
    );
  });

  it('rejects repo ids that could escape the URL', () => {
    expect(() => modelBaseUrl({ kind: 'hub', repo: '../../etc' }, app)).toThrow(/not a Hugging Face repo id/);
    expect(() => modelBaseUrl({ kind: 'hub', repo: 'a/b/c' }, app)).toThrow(/owner\/name/);
    expect(() => modelBaseUrl({ kind: 'embedded', name: '../x' }, app)).toThrow(/not a valid embedded model name/);
  });

  it('normalises folder URLs and accepts a link to the .onnx file itself', () => {
    expect(modelBaseUrl({ kind: 'url', url: 'https://x.org/m' }, app)).toBe('https://x.org/m/');
    expect(modelBaseUrl({ kind: 'url', url: 'https://x.org/m/onnx/model.onnx?download=1' }, app)).toBe(
      'https://x.org/m/',
    );
    expect(() => modelBaseUrl({ kind: 'url', url: 'ftp://x.org/m' }, app)).toThrow(/Only http\(s\)/);
  });

  it('labels sources for people', () => {
    expect(describeSource({ kind: 'hub', repo: 'a/b', revision: 'dev' })).toBe('a/b@dev');
    expect(describeSource({ kind: 'embedded', name: 'm' })).toBe('m (built in)');
  });
});
