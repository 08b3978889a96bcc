/**
 * IEEE 754 half precision (binary16) → float32. Layout: 1 sign bit, 5 exponent bits (bias 15), 10 fraction bits.
 *   exponent 0      → zero (fraction 0) or subnormal ±fraction·2⁻²⁴
 *   exponent 1..30  → normal ±(1 + fraction/1024)·2^(exponent−15)
 *   exponent 31     → ±Infinity (fraction 0) or NaN
 * Every half value is exactly representable in float32, so the conversion is exact.
 */
export function float16ToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** All 65,536 half values decoded once; decoding a matrix is then one table lookup per element. */
let table: Float32Array | null = null;
function halfTable(): Float32Array {
  if (table === null) {
    table = new Float32Array(65536);
    for (let bits = 0; bits < 65536; bits++) table[bits] = float16ToFloat32(bits);
  }
  return table;
}

/**
 * Decodes `count` little-endian half floats starting at `byteOffset` (default: all of them).
 * Reads bytes explicitly, so it works on unaligned views and on any host byte order.
 */
export function decodeFloat16(bytes: Uint8Array, count = Math.floor(bytes.length / 2), byteOffset = 0): Float32Array {
  if (byteOffset + 2 * count > bytes.length) {
    throw new Error(`Need ${2 * count} bytes of float16 data from offset ${byteOffset}, only ${bytes.length - byteOffset} available.`);
  }
  const lookup = halfTable();
  const out = new Float32Array(count);
  for (let i = 0, b = byteOffset; i < count; i++, b += 2) out[i] = lookup[bytes[b] | (bytes[b + 1] << 8)];
  return out;
}
