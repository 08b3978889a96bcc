/** The bytes are not a (complete) ONNX model. */
export class OnnxFormatError extends Error {
  override readonly name = 'OnnxFormatError';
  /** Byte offset where decoding stopped, when protobuf reported one. */
  readonly byteOffset: number | null;

  constructor(message: string, byteOffset: number | null = null) {
    super(message);
    this.byteOffset = byteOffset;
  }
}

/** The graph is valid ONNX but lacks the structure a surgery step needs. */
export class OnnxGraphError extends Error {
  override readonly name = 'OnnxGraphError';
}
