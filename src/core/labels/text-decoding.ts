/**
 * Turning file bytes into text without losing any of it: honours UTF-8 and UTF-16 byte-order marks,
 * and reads bytes that are not valid UTF-8 as Windows-1252 (a superset of Latin-1 that maps every
 * byte to a character), so a file saved by an older spreadsheet keeps its "é" instead of "\uFFFD".
 */
import type { Problem } from './problems';

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

/** 'auto' decides by byte-order mark, then strict UTF-8, then Windows-1252. */
export type EncodingChoice = 'auto' | 'utf-8' | 'windows-1252';

export interface DecodedText {
  text: string;
  encoding: TextEncoding;
  problems: Problem[];
}

function utf8Replacing(body: Uint8Array): string {
  return new TextDecoder('utf-8').decode(body);
}

/**
 * Windows-1252's characters for bytes 0x80–0x9F (the rest equal their byte); the five bytes it leaves
 * undefined map to the C1 control of the same number, as the WHATWG Encoding Standard does. Decoded
 * here because Node's TextDecoder reads "windows-1252" as ISO-8859-1, which turns "€" into U+0080.
 */
const CP1252_80_9F = [
  0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d, 0x017d,
  0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x9d,
  0x017e, 0x0178,
];
const DECODE_CHUNK = 8192;

function windows1252(body: Uint8Array): string {
  const parts: string[] = [];
  const units = new Uint16Array(Math.min(body.length, DECODE_CHUNK));
  for (let start = 0; start < body.length; start += DECODE_CHUNK) {
    const end = Math.min(body.length, start + DECODE_CHUNK);
    for (let i = start; i < end; i++) {
      const byte = body[i];
      units[i - start] = byte >= 0x80 && byte < 0xa0 ? CP1252_80_9F[byte - 0x80] : byte;
    }
    parts.push(String.fromCharCode.apply(null, units.subarray(0, end - start) as unknown as number[]));
  }
  return parts.join('');
}

export function decodeTextBytes(bytes: Uint8Array, choice: EncodingChoice = 'auto'): DecodedText {
  const problems: Problem[] = [];
  let body = bytes;
  let bom: 'utf-16le' | 'utf-16be' | null = null;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) bom = 'utf-16le';
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) bom = 'utf-16be';
  else if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) body = bytes.subarray(3);
  if (bom) {
    problems.push({
      code: 'utf16-bom',
      severity: 'info',
      message: `The file is UTF-16 (${bom === 'utf-16le' ? 'little' : 'big'}-endian, it starts with a byte-order mark); it was converted to text as such.`,
    });
    return { text: new TextDecoder(bom).decode(bytes.subarray(2)), encoding: bom, problems };
  }
  if (choice === 'windows-1252') {
    problems.push({
      code: 'legacy-encoding',
      severity: 'info',
      message: 'The file was read as Windows-1252, as you chose.',
    });
    return { text: windows1252(body), encoding: 'windows-1252', problems };
  }
  let valid = true;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    valid = false;
    text = '';
  }
  if (valid) return { text, encoding: 'utf-8', problems };
  if (choice === 'utf-8') {
    problems.push({
      code: 'replacement-characters',
      severity: 'warning',
      message:
        'The file is not valid UTF-8 and was read as UTF-8 as you chose: the characters that could not be read show as "\uFFFD". ' +
        'Read it as Windows-1252 to keep them, or re-save it as UTF-8.',
    });
    return { text: utf8Replacing(body), encoding: 'utf-8', problems };
  }
  problems.push({
    code: 'legacy-encoding',
    severity: 'warning',
    message:
      'The file was read as Windows-1252 because it is not valid UTF-8 (it was probably saved as Windows-1252 or Latin-1); no character was lost. ' +
      'If accented letters look wrong, the file uses another encoding: re-save it as UTF-8.',
  });
  return { text: windows1252(body), encoding: 'windows-1252', problems };
}
