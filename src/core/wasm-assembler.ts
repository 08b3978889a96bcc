/**
 * A tiny WebAssembly assembler: the binary encodings and the handful of instructions the SIMD kernels
 * (src/core/analogy/wasm-dot.ts, src/core/labels/wasm-objective.ts) are written in. Kernels are built from
 * bytes in the page or worker, so there is nothing to fetch and no toolchain to download; only
 * WebAssembly.Module/Instance on bytes, which the app's CSP allows with 'wasm-unsafe-eval'.
 */

/** Value types. */
export const I32 = 0x7f;
export const V128 = 0x7b;

/** Unsigned LEB128. */
export function uleb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

/** Signed LEB128. */
export function sleb(value: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/** A vector: its length, then its items. */
export function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

export function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

export function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...uleb(bytes.length), ...bytes];
}

export const op = {
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  tee: (i: number) => [0x22, ...uleb(i)],
  i32: (n: number) => [0x41, ...sleb(n)],
  add: [0x6a],
  and: [0x71],
  ltU: [0x49],
  i32Load: (offset: number) => [0x28, 2, ...uleb(offset)],
  f64Store: (offset: number) => [0x39, 3, ...uleb(offset)],
  f64Add: [0xa0],
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  simd: (code: number, ...immediates: number[]) => [0xfd, ...uleb(code), ...immediates],
};

export const v128Load = (offset: number) => op.simd(0x00, 4, ...uleb(offset));
export const v128Store = (offset: number) => op.simd(0x0b, 4, ...uleb(offset));
export const v128Load64Zero = (offset: number) => op.simd(0x5d, 3, ...uleb(offset));
export const v128Load64Splat = (offset: number) => op.simd(0x0a, 3, ...uleb(offset));
/** f64x2.promote_low_f32x4: two float32 widened exactly to float64. */
export const promoteLow = op.simd(0x5f);
export const f64x2Add = op.simd(0xf0);
export const f64x2Mul = op.simd(0xf2);
/** f64x2.extract_lane. */
export const lane = (i: number) => op.simd(0x21, i);
export const v128Zero = op.simd(0x0c, ...new Array<number>(16).fill(0));

/** The code section: each function body prefixed by its size. */
export function codeSection(bodies: number[][]): number[] {
  return section(10, vec(bodies.map((body) => [...uleb(body.length), ...body])));
}

/** A whole module: the magic number and version 1, then its sections in order. */
export function moduleBytes(sections: number[][]): Uint8Array<ArrayBuffer> {
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...sections.flat()]);
}
