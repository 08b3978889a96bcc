/**
 * The generated static codec (src/core/onnx/onnx-static.js, `npm run gen:onnx`) agrees with the schema
 * it was generated from: protobufjs's reflection over schema.ts decodes and re-encodes the default
 * model to the very same bytes as the static code does. Fails when someone edits the schema and
 * forgets to regenerate.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel } from '../../../src/core/onnx';
import { modelProtoType, ONNX_PROTO } from '../../../src/core/onnx/schema';

const bytes = new Uint8Array(readFileSync(join(process.cwd(), 'models', 'playground-bert-mini', 'onnx', 'model.onnx')));

describe('static ONNX codec', () => {
  it('encodes exactly what protobufjs reflection over the schema encodes', () => {
    const type = modelProtoType();
    const viaReflection = type.encode(type.decode(bytes)).finish();
    const viaStatic = encodeModel(decodeModel(bytes));
    expect(Buffer.from(viaStatic).equals(Buffer.from(viaReflection))).toBe(true);
  });

  it('was generated from the current schema (every message and field name is in it)', () => {
    const code = readFileSync(join(process.cwd(), 'src', 'core', 'onnx', 'onnx-static.js'), 'utf8');
    const toCamel = (name: string) => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    for (const [, field] of ONNX_PROTO.matchAll(/^\s*(?:optional|repeated|required)\s+[\w.]+\s+(\w+)\s*=/gm)) {
      expect(code, `field ${field}`).toContain(`.${toCamel(field)}`);
    }
    for (const [, message] of ONNX_PROTO.matchAll(/^\s*message\s+(\w+)/gm))
      expect(code, `message ${message}`).toContain(`.${message} = (function`);
  });
});
