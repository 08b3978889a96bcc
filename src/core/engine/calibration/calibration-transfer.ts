/** The typed arrays of a calibration result, to move them across the worker boundary instead of copying. */
import type { CalibrationResult, PredictionColumns } from '../../contracts/calibration';

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
