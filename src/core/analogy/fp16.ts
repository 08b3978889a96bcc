/**
 * Little-endian float16 bytes → float32 for the compact static-vector files. The per-value conversion is the
 * ONNX module's (src/core/onnx/float16.ts), shared so there is one binary16 decoder in the code base; here it
 * only fills a 65,536-entry lookup table so a whole matrix decodes with one table read per element.
 */
import { float16BitsToFloat32 } from '../onnx/float16';

/** IEEE 754 half (bit pattern) → number, exact. Same function as the ONNX module's float16BitsToFloat32. */
export const float16ToFloat32 = float16BitsToFloat32;

/** All 65,536 half values decoded once; decoding a matrix is then one table lookup per element. */
let table: Float32Array | null = null;
function halfTable(): Float32Array {
  if (table === null) {
    table = new Float32Array(65536);
    for (let bits = 0; bits < 65536; bits++) table[bits] = float16BitsToFloat32(bits);
  }
  return table;
}

/**
 * Decodes `count` little-endian half floats starting at `byteOffset` (default: all of them).
 * Reads bytes explicitly, so it works on unaligned views and on any host byte order.
 */
export function decodeFloat16(bytes: Uint8Array, count = Math.floor(bytes.length / 2), byteOffset = 0): Float32Array {
  if (byteOffset + 2 * count > bytes.length) {
    throw new Error(
      `Need ${2 * count} bytes of float16 data from offset ${byteOffset}, only ${bytes.length - byteOffset} available.`,
    );
  }
  const lookup = halfTable();
  const out = new Float32Array(count);
  for (let i = 0, b = byteOffset; i < count; i++, b += 2) out[i] = lookup[bytes[b] | (bytes[b + 1] << 8)];
  return out;
}
