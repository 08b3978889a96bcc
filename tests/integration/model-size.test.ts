import { describe, expect, it } from 'vitest';
import { scanEmbeddedModels } from '../../vite-plugins/embedded-models';
import { embeddedSizeLabel, embeddedSizes, modelSizeLabel } from '../../src/ui/model/model-size';
import { loadModelFiles } from '../../src/core/model/load';
import { prepareModel } from '../../src/core/engine/model/prepare-model';
import { APP_BASE, diskFetch, repoRoot } from './disk-fetch';

describe('one size for the built-in model everywhere', () => {
  it('the model list and the loaded model state the same figure (model files), with the word vectors apart', async () => {
    const entry = scanEmbeddedModels(`${repoRoot}/models`).find((m) => m.name === 'playground-bert-mini')!;
    const { modelBytes, vectorBytes } = embeddedSizes(entry);
    expect(vectorBytes).toBe(
      entry.files.filter((f) => f.file.startsWith('static-vectors/')).reduce((sum, f) => sum + f.bytes, 0),
    );
    const files = await loadModelFiles(
      { kind: 'embedded', name: 'playground-bert-mini' },
      { appBase: APP_BASE, fetchImpl: diskFetch },
    );
    const prepared = await prepareModel(files, 'wasm', 1);
    expect(prepared.info.sizeBytes).toBe(modelBytes);
    expect(embeddedSizeLabel(entry)).toBe(
      `${modelSizeLabel(modelBytes)}, + ${(vectorBytes / 1e6).toFixed(1)} MB word vectors`,
    );
    expect(modelSizeLabel(modelBytes)).toBe(`${(modelBytes / 1e6).toFixed(1)} MB model files`);
    await prepared.release();
  });
});
