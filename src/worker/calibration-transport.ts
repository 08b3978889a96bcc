/**
 * How a calibration result crosses the worker boundary: its typed arrays are transferred (Comlink.transfer)
 * instead of copied, as the label tool's are (label-transport.ts).
 */
import type { CalibrationResult, PredictionColumns } from '../core/contracts/calibration';

function columnBuffers(columns: PredictionColumns): ArrayBuffer[] {
  return Object.values(columns).map((array: Float64Array | Int32Array) => array.buffer as ArrayBuffer);
}

export function calibrationTransferables(result: CalibrationResult): ArrayBuffer[] {
  const { positions, summary } = result;
  const buffers = [
    positions.text,
    positions.position,
    positions.trueId,
    positions.fit,
    ...summary.selective.off.map((curve) => curve.accuracy),
    ...summary.selective.mc.map((curve) => curve.accuracy),
  ].map((array) => array.buffer as ArrayBuffer);
  buffers.push(
    ...columnBuffers(positions.off),
    ...columnBuffers(positions.mc),
    ...columnBuffers(positions.temperature),
  );
  // One buffer listed twice makes postMessage throw; every array here owns its buffer, but stay safe.
  return [...new Set(buffers)];
}
