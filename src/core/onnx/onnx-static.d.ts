// Types for the generated onnx-static.js (scripts/gen-onnx-static.ts): only what codec.ts uses.
import type { Reader, Writer } from 'protobufjs';

interface StaticMessage {
  decode(reader: Reader | Uint8Array, length?: number): unknown;
  encode(message: object, writer?: Writer): Writer;
}

export declare const onnx: { ModelProto: StaticMessage } & Record<string, StaticMessage>;
