/**
 * Pausing a running job in the worker. The page asks by job id (like a cancel); the job waits at its next
 * safe point (the head trainer: between epochs) until it is resumed or cancelled. The pause lives in the worker
 * so one call stays one job on the page: progress, cancel and a worker restart work as for every other call,
 * and the trained weights never cross to the page between epochs.
 */
import { throwIfAborted } from '../../cancel';

interface Gate {
  paused: boolean;
  /** Wakes a waiting job (resume or cancel). */
  wake: (() => void) | null;
}

export class PauseGates {
  private readonly gates = new Map<string, Gate>();

  /** Opens a gate for a job; the returned wait resolves at once unless the job is paused. */
  open(jobId: string, signal: AbortSignal): { wait: () => Promise<void>; close: () => void } {
    const gate: Gate = { paused: false, wake: null };
    this.gates.set(jobId, gate);
    const onAbort = () => gate.wake?.();
    signal.addEventListener('abort', onAbort);
    return {
      wait: async () => {
        while (gate.paused && !signal.aborted) await new Promise<void>((resolve) => (gate.wake = resolve));
        gate.wake = null;
        throwIfAborted(signal);
      },
      close: () => {
        signal.removeEventListener('abort', onAbort);
        if (this.gates.get(jobId) === gate) this.gates.delete(jobId);
      },
    };
  }

  /** Pauses or resumes a job; false when no such job is running. */
  set(jobId: string, paused: boolean): boolean {
    const gate = this.gates.get(jobId);
    if (!gate) return false;
    gate.paused = paused;
    if (!paused) gate.wake?.();
    return true;
  }
}
