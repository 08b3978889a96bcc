/**
 * A SHA-256 digest over a model's files, so caches keyed on it notice when the bytes change even if
 * the name, address and size stay the same (a retrained model of the same shape has the same size).
 * Each part is hashed on its own and the part digests are hashed together: a part boundary cannot
 * shift bytes from one file into the next and keep the digest.
 *
 * A part over SAMPLED_ABOVE bytes is hashed from a sample: its length, its first and last MiB (where an
 * ONNX file keeps its graph) and SAMPLE_BYTES out of every STRIDE. Hashing all 400 MB of a BERT-base
 * took longer than onnxruntime needs to create the session (4-8 s on a loaded two-core machine), and
 * it is on the load's critical path; a retrained or re-exported model changes every sampled block, so
 * only an edit of a few bytes that all fall between samples would keep the digest.
 */
const MIB = 1 << 20;
export const SAMPLED_ABOVE = 32 * MIB;
const EDGE = MIB;
const STRIDE = MIB;
const SAMPLE_BYTES = 16 * 1024;

export async function contentDigest(parts: readonly Uint8Array[]): Promise<string> {
  const partDigests = new Uint8Array(parts.length * 32);
  for (let i = 0; i < parts.length; i++) {
    partDigests.set(new Uint8Array(await crypto.subtle.digest('SHA-256', digestInput(parts[i]))), i * 32);
  }
  const whole = new Uint8Array(await crypto.subtle.digest('SHA-256', partDigests));
  return Array.from(whole, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The bytes hashed for one part: all of it, or the sample of a large one (always a fresh copy or an ArrayBuffer view). */
export function digestInput(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  if (bytes.byteLength <= SAMPLED_ABOVE) {
    // crypto.subtle takes views over ArrayBuffer only; bytes over a SharedArrayBuffer are copied first.
    return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
  }
  const end = bytes.byteLength;
  const ranges: [number, number][] = [[0, EDGE]];
  for (let start = EDGE; start < end - EDGE; start += STRIDE)
    ranges.push([start, Math.min(start + SAMPLE_BYTES, end - EDGE)]);
  ranges.push([end - EDGE, end]);
  const total = 8 + ranges.reduce((sum, [from, to]) => sum + to - from, 0);
  const sample = new Uint8Array(total);
  new DataView(sample.buffer).setFloat64(0, end);
  let offset = 8;
  for (const [from, to] of ranges) {
    sample.set(bytes.subarray(from, to), offset);
    offset += to - from;
  }
  return sample;
}
