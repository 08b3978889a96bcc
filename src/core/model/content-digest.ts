/**
 * A SHA-256 digest over a model's files, so caches keyed on it notice when the bytes change even if
 * the name, address and size stay the same (a retrained model of the same shape has the same size).
 * Each part is hashed on its own and the part digests are hashed together: a part boundary cannot
 * shift bytes from one file into the next and keep the digest.
 */
export async function contentDigest(parts: readonly Uint8Array[]): Promise<string> {
  const partDigests = new Uint8Array(parts.length * 32);
  for (let i = 0; i < parts.length; i++) {
    partDigests.set(new Uint8Array(await crypto.subtle.digest('SHA-256', asBufferSource(parts[i]))), i * 32);
  }
  const whole = new Uint8Array(await crypto.subtle.digest('SHA-256', partDigests));
  return Array.from(whole, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** crypto.subtle takes views over ArrayBuffer only; bytes over a SharedArrayBuffer are copied first. */
function asBufferSource(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}
