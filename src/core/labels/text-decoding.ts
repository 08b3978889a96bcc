/**
 * Turning file bytes into text without silently mangling it: honours UTF-8 and UTF-16 byte-order
 * marks and says when bytes are not valid UTF-8 (a file saved in a legacy encoding) or look binary.
 */
import type { Problem } from './problems';

export interface DecodedText {
  text: string;
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be';
  problems: Problem[];
}

export function decodeTextBytes(bytes: Uint8Array): DecodedText {
  const problems: Problem[] = [];
  let encoding: DecodedText['encoding'] = 'utf-8';
  let body = bytes;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    encoding = 'utf-16le';
    body = bytes.subarray(2);
  } else if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    encoding = 'utf-16be';
    body = bytes.subarray(2);
  } else if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    body = bytes.subarray(3);
  }
  if (encoding !== 'utf-8') {
    problems.push({
      code: 'utf16-bom',
      severity: 'info',
      message: `The file is UTF-16 (${encoding === 'utf-16le' ? 'little' : 'big'}-endian, it starts with a byte-order mark); it was converted to text as such.`,
    });
    return { text: new TextDecoder(encoding).decode(body), encoding, problems };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body), encoding, problems };
  } catch {
    const text = new TextDecoder('utf-8').decode(body);
    problems.push({
      code: 'replacement-characters',
      severity: 'warning',
      message:
        'The file is not valid UTF-8 (perhaps Windows-1252 or Latin-1); some characters could not be read and show as "\uFFFD". ' +
        'Re-save it as UTF-8 and load it again.',
    });
    return { text, encoding, problems };
  }
}
