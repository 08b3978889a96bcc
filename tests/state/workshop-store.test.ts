import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WorkshopStore } from '../../src/state/workshop-store.svelte';
import { fakeInfo, memoryStorage } from './fake-client';

function fakeModelStore() {
  const loads: unknown[] = [];
  return {
    loads,
    status: 'ready' as const,
    info: fakeInfo(),
    embedded: [{ name: 'tiny', bytes: 1 }],
    source: { kind: 'embedded' as const, name: 'tiny' },
    load: async (source: unknown) => {
      loads.push(source);
      return true;
    },
  };
}

describe('WorkshopStore', () => {
  beforeEach(() => vi.stubGlobal('localStorage', memoryStorage()));
  afterEach(() => vi.unstubAllGlobals());

  it('ignores a saved tab that is not a tool, and bad presenter settings', () => {
    vi.stubGlobal('localStorage', memoryStorage({ tab: 'settings', presenter: { presenter: 'yes', hidden: [1] } }));
    const store = new WorkshopStore(fakeModelStore());
    expect(store.tab).toBe('attention');
    expect(store.presenter).toBe(false);
    expect(store.hidden).toEqual([]);
  });

  it('keeps the current model for a link naming an unknown built-in model, and says so', async () => {
    const model = fakeModelStore();
    const store = new WorkshopStore(model);
    store.requestedModelRef = 'embedded:nope';
    await store.loadRequestedModel();
    expect(model.loads).toEqual([]);
    expect(store.problems.join(' ')).toMatch(/nope/);
  });
});
