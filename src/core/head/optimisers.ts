/**
 * The two optimisers of the head trainer, over flat Float64Array parameters. The L2 penalty (weight decay) is
 * added to the gradient by the caller, so for Adam it is the classic coupled L2 penalty (not AdamW's decoupled
 * decay): the penalty that Wager, Wang & Liang (2013) compare dropout with.
 */
import type { HeadOptimiser } from '../contracts/head';

export interface Optimiser {
  /** Moves `params` against `grads` (same length) one step. */
  step(params: Float64Array, grads: Float64Array, slot: number): void;
  /** Call once per update, before the steps of that update (Adam counts updates for its bias correction). */
  beginUpdate(): void;
}

export function createOptimiser(kind: HeadOptimiser, learningRate: number, sizes: readonly number[]): Optimiser {
  if (kind === 'sgd')
    return {
      beginUpdate: () => undefined,
      step(params, grads) {
        for (let i = 0; i < params.length; i++) params[i] -= learningRate * grads[i];
      },
    };
  // Adam (Kingma & Ba 2015) with the paper's defaults.
  const beta1 = 0.9;
  const beta2 = 0.999;
  const epsilon = 1e-8;
  const m = sizes.map((n) => new Float64Array(n));
  const v = sizes.map((n) => new Float64Array(n));
  let t = 0;
  return {
    beginUpdate() {
      t++;
    },
    step(params, grads, slot) {
      const mSlot = m[slot];
      const vSlot = v[slot];
      const correction1 = 1 - beta1 ** t;
      const correction2 = 1 - beta2 ** t;
      for (let i = 0; i < params.length; i++) {
        const g = grads[i];
        mSlot[i] = beta1 * mSlot[i] + (1 - beta1) * g;
        vSlot[i] = beta2 * vSlot[i] + (1 - beta2) * g * g;
        const mHat = mSlot[i] / correction1;
        const vHat = vSlot[i] / correction2;
        params[i] -= (learningRate * mHat) / (Math.sqrt(vHat) + epsilon);
      }
    },
  };
}
