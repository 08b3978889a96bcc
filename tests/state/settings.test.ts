import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ANALOGY_SETTINGS } from '../../src/core/contracts/analogy';
import { UNCERTAINTY_SETTINGS } from '../../src/core/contracts/uncertainty';
import { defaultsOf } from '../../src/core/workshop/state-table';
import { restoreSettings, saveSettings } from '../../src/state/settings';
import { memoryStorage } from './fake-client';

describe('setting rows drive localStorage and its checks', () => {
  beforeEach(() => vi.stubGlobal('localStorage', memoryStorage()));
  afterEach(() => vi.unstubAllGlobals());

  it('saves the rows’ fields and reads them back', () => {
    const settings = {
      ...defaultsOf(UNCERTAINTY_SETTINGS),
      samples: 64,
      dropout: 0.3,
      measure: 'variationRatio' as const,
    };
    saveSettings('u', UNCERTAINTY_SETTINGS, Object.assign({ notASetting: 1 }, settings));
    expect(Object.keys(JSON.parse(localStorage.getItem('transformer-playground:u')!))).toEqual(
      Object.keys(UNCERTAINTY_SETTINGS),
    );
    const restored = defaultsOf(UNCERTAINTY_SETTINGS);
    restoreSettings('u', UNCERTAINTY_SETTINGS, restored);
    expect(restored).toEqual(settings);
  });

  it('keeps the default for a value out of bounds or of the wrong type, cuts text, drops unknown list items', () => {
    vi.stubGlobal(
      'localStorage',
      memoryStorage({ a: { k: 101, layer: 0, a: 'x'.repeat(500), spaces: ['user', 7, 'nope'], centered: 'yes' } }),
    );
    const restored = defaultsOf(ANALOGY_SETTINGS);
    restoreSettings('a', ANALOGY_SETTINGS, restored);
    expect(restored.k).toBe(10);
    expect(restored.layer).toBe(null);
    expect(restored.a).toHaveLength(100);
    expect(restored.spaces).toEqual(['user']);
    expect(restored.centered).toBe(false);
  });

  it('gives each store a fresh copy of list defaults', () => {
    const one = defaultsOf(ANALOGY_SETTINGS);
    one.spaces.push('user');
    expect(defaultsOf(ANALOGY_SETTINGS).spaces).toEqual(['token', 'static']);
  });
});
