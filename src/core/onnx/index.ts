/** Decoding/encoding ONNX and the graph surgery the playground needs. Pure TypeScript, no DOM. */
export { decodeModel, encodeModel } from './codec';
export { sessionModel, type SessionModel, type ExternalDataFile } from './session-model';
export { OnnxFormatError, OnnxGraphError } from './errors';
export {
  describeModel,
  inspectModelBytes,
  type CapabilityStatus,
  type ModelCapabilities,
  type ModelDescription,
  type TensorDescription,
  type ModelInspection,
} from './describe';
export {
  exposeAttention,
  findAttentionSoftmaxes,
  FUSED_ATTENTION_OPS,
  type AttentionOutput,
  type AttentionSoftmax,
} from './attention';
export { findResidualSites, type ResidualSite } from './residual';
export {
  insertMcDropout,
  makeDropoutFeeds,
  DROPOUT_P_INPUT,
  type DropoutSite,
  type DropoutSiteKind,
  type FeedData,
  type McDropoutOptions,
  type McDropoutPlan,
  type NoiseDim,
  type NoiseShape,
} from './dropout';
export { readTokenEmbeddings, type TokenEmbeddings } from './embeddings';
export { float16BitsToFloat32, float32ToFloat16Bits, float16ArrayToFloat32 } from './float16';
export {
  dataTypeName,
  DataType,
  type OnnxModel,
  type OnnxGraph,
  type OnnxNode,
  type OnnxTensor,
  type OnnxValueInfo,
} from './types';
export { restrictMlmHeadToPositions, MLM_POSITIONS_INPUT, type MlmRestriction } from './mlm-head';
export { readFloatTensor, readIntTensor, tensorDims, isExternalTensor } from './tensor-data';
