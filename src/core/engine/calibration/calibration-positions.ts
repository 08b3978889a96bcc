/**
 * Which positions a calibration run scores: every word piece of every text, the special tokens skipped.
 * An encoder masks each in turn and reads the fill-mask head there; a decoder predicts each token from the
 * tokens before it (so a text's first token is never a target). The limits are checked here, before any run.
 */
import type { EncodedText } from '../../model/tokenizer';
import {
  MAX_CALIBRATION_LOGIT_BYTES,
  MAX_CALIBRATION_POSITIONS,
  MAX_CALIBRATION_TEXTS,
} from '../../contracts/calibration';
import type { PreparedModel } from '../model/prepare-model';

export interface ScoredText {
  encoded: EncodedText;
  /** Token indices scored (the masked or predicted token). */
  targets: number[];
  /** Index of the text's first target among all positions. */
  first: number;
}

export interface CalibrationPlan {
  task: 'fill-mask' | 'next-token';
  texts: ScoredText[];
  positions: number;
  notes: string[];
}

export function planCalibration(model: PreparedModel, texts: readonly string[]): CalibrationPlan {
  const task = model.decoder ? 'next-token' : 'fill-mask';
  if (task === 'fill-mask' && (!model.description.roles.fillMask || model.tokenizer.maskTokenId === null))
    throw new Error(
      'Calibration needs a fill-mask head (an encoder) or a causal decoder; this model has neither, so there is no word to predict.',
    );
  const kept = texts.map((text) => text.trim()).filter((text) => text.length > 0);
  if (kept.length === 0) throw new Error('Enter a text to score (every word piece of it is predicted in turn).');
  if (kept.length > MAX_CALIBRATION_TEXTS)
    throw new Error(`Calibration takes at most ${MAX_CALIBRATION_TEXTS} texts at once; got ${kept.length}.`);
  const notes: string[] = [];
  let truncated = 0;
  let positions = 0;
  const scored = kept.map((text) => {
    const encoded = model.tokenizer.encode(text, null, model.info.maxPositions);
    if (encoded.untruncatedLength > encoded.ids.length) truncated++;
    const targets: number[] = [];
    for (let i = task === 'next-token' ? 1 : 0; i < encoded.ids.length; i++) if (!encoded.special[i]) targets.push(i);
    const entry = { encoded, targets, first: positions };
    positions += targets.length;
    return entry;
  });
  if (truncated)
    notes.push(
      `${truncated === 1 ? 'One text was' : `${truncated} texts were`} longer than the model reads (${model.info.maxPositions} tokens) and cut; split long texts into paragraphs (one per line) to score all of them.`,
    );
  if (positions < 2)
    throw new Error(
      `Calibration needs at least two word pieces to predict (one half fits the temperature, the other tests it); the text gives ${positions}.`,
    );
  if (positions > MAX_CALIBRATION_POSITIONS)
    throw new Error(
      `The text has ${positions} word pieces to predict; calibration scores at most ${MAX_CALIBRATION_POSITIONS} at once. Use a shorter text.`,
    );
  const logitBytes = positions * model.info.vocabSize * 4;
  if (logitBytes > MAX_CALIBRATION_LOGIT_BYTES)
    throw new Error(
      `Temperature scaling keeps each position's ${model.info.vocabSize} log-probabilities: ${positions} positions need ${Math.ceil(logitBytes / 2 ** 20)} MB, more than the ${MAX_CALIBRATION_LOGIT_BYTES / 2 ** 20} MB allowed. Use a shorter text.`,
    );
  return { task, texts: scored, positions, notes };
}
