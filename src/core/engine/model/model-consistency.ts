/**
 * Do a model's tokenizer, config.json and graph agree? Each says something about the same ids: the
 * tokenizer which ids it produces, the graph how many rows its lookup tables have, config.json what
 * the model was built with. A disagreement that would feed the graph an id it has no row for is
 * refused with a message naming it; one the model still runs with is a visible warning.
 *
 * A vocabulary that is permuted (same size, ids reordered) passes every size check and cannot be
 * found from the files in general; the special-token ids config.json names are the one cheap,
 * sound cross-check, and they catch a reordering that moved those tokens.
 */
import { ModelLoadError } from '../../model/errors';
import type { ModelConfig } from '../../model/config';
import type { ModelTokenizer } from '../../model/tokenizer';
import { findLookupTable } from '../../onnx/embeddings';
import { GraphIndex } from '../../onnx/graph';
import { tensorDims } from '../../onnx/tensor-data';
import type { OnnxModel } from '../../onnx/types';

export interface ConsistencyFacts {
  tokenizer: {
    /** Highest id the tokenizer can produce, plus one. */
    vocabSize: number;
    specialTokens: { token: string; id: number }[];
    /** Highest token type id of a single sentence and of a sentence pair (null if it cannot encode pairs). */
    singleTypeId: number;
    pairTypeId: number | null;
    padTokenId: number | null;
    bosTokenId: number | null;
    eosTokenId: number | null;
  };
  config: {
    vocabSize: number | null;
    typeVocabSize: number | null;
    padTokenId: number | null;
    bosTokenId: number | null;
    eosTokenId: number | null;
  };
  graph: {
    /** Rows of the token-embedding table (null when no Gather on input_ids reads an initializer). */
    embeddingRows: number | null;
    takesTypeIds: boolean;
    /** Rows of the token-type table, null when there is none to find. */
    typeRows: number | null;
  };
}

export interface Consistency {
  /** Why the model cannot be used with this tokenizer, or null. */
  refusal: string | null;
  /** Disagreements the model still runs with, each a sentence for the user. */
  mismatches: string[];
  /** The highest token type id the graph can take, when it cannot take a sentence pair's; else null. */
  maxTypeId: number | null;
  /** config.json's end-of-text id when the embedding table has a row for it, else null. */
  configEosTokenId: number | null;
}

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

export function checkConsistency(facts: ConsistencyFacts): Consistency {
  const { tokenizer, config, graph } = facts;
  const mismatches: string[] = [];
  const rows = graph.embeddingRows ?? config.vocabSize;
  const table =
    graph.embeddingRows !== null
      ? "the model's embedding has only"
      : 'config.json says vocab_size is (the graph has no embedding table to read), so the model has only';
  let refusal: string | null = null;
  if (rows !== null && tokenizer.vocabSize > rows) {
    const outside = tokenizer.specialTokens.filter((special) => special.id >= rows);
    const specials =
      outside.length === 0
        ? ''
        : ` Special tokens outside the table: ${outside
            .slice(0, 4)
            .map((s) => `${s.token} (id ${s.id})`)
            .join(', ')}${outside.length > 4 ? ', …' : ''}.`;
    refusal = `The tokenizer does not match the model: it has ${tokenizer.vocabSize} tokens but ${table} ${rows} rows.${specials} Use the tokenizer.json that came with this model.`;
  }
  if (graph.takesTypeIds && graph.typeRows !== null && tokenizer.singleTypeId >= graph.typeRows && !refusal) {
    refusal = `The tokenizer does not match the model: it gives a single sentence token type id ${tokenizer.singleTypeId}, but the model's token-type table has only ${plural(graph.typeRows, 'row')}. Use the tokenizer.json that came with this model.`;
  }
  if (refusal) return { refusal, mismatches, maxTypeId: null, configEosTokenId: null };

  if (rows !== null && tokenizer.vocabSize < rows) {
    mismatches.push(
      `The tokenizer has ${plural(tokenizer.vocabSize, 'token')} but the model's embedding table has ${plural(rows, 'row')}: ids ${tokenizer.vocabSize} to ${rows - 1} are never used. Some models pad their table to a round size; a large gap can mean the tokenizer was trimmed or belongs to another model — check the tokens in the tokenizer preview.`,
    );
  }
  if (graph.embeddingRows !== null && config.vocabSize !== null && config.vocabSize !== graph.embeddingRows) {
    mismatches.push(
      `config.json says vocab_size ${config.vocabSize} but the model's embedding table has ${plural(graph.embeddingRows, 'row')}; the table is what runs.`,
    );
  }
  let maxTypeId: number | null = null;
  if (graph.takesTypeIds && graph.typeRows !== null) {
    if (tokenizer.pairTypeId !== null && tokenizer.pairTypeId >= graph.typeRows) {
      maxTypeId = graph.typeRows - 1;
      mismatches.push(
        `The tokenizer marks a second sentence with token type id ${tokenizer.pairTypeId}, but the model's token-type table has only ${plural(graph.typeRows, 'row')}: this model cannot read sentence pairs (single sentences work).`,
      );
    }
    if (config.typeVocabSize !== null && config.typeVocabSize !== graph.typeRows) {
      mismatches.push(
        `config.json says type_vocab_size ${config.typeVocabSize} but the model's token-type table has ${plural(graph.typeRows, 'row')}; the table is what runs.`,
      );
    }
  }
  let configEosTokenId = config.eosTokenId;
  for (const [key, configId, tokenizerId] of [
    ['pad_token_id', config.padTokenId, tokenizer.padTokenId],
    ['bos_token_id', config.bosTokenId, tokenizer.bosTokenId],
    ['eos_token_id', config.eosTokenId, tokenizer.eosTokenId],
  ] as const) {
    if (configId === null) continue;
    if (rows !== null && configId >= rows) {
      if (key === 'eos_token_id') configEosTokenId = null;
      mismatches.push(
        `config.json's ${key} ${configId} is outside the model's embedding table (${plural(rows, 'row')})${key === 'eos_token_id' ? "; the tokenizer's own end token is used instead" : ''}.`,
      );
    } else if (tokenizerId !== null && tokenizerId !== configId) {
      mismatches.push(
        `config.json says ${key} ${configId} but the tokenizer's token for it has id ${tokenizerId}: the tokenizer may belong to another model or have its vocabulary reordered.`,
      );
    }
  }
  return { refusal, mismatches, maxTypeId, configEosTokenId };
}

/** The facts checkConsistency compares, read from the loaded files and the graph that will run. */
export function consistencyFacts(tokenizer: ModelTokenizer, config: ModelConfig, graph: OnnxModel): ConsistencyFacts {
  const index = new GraphIndex(graph.graph);
  const rowsOf = (input: string) => {
    const table = findLookupTable(index, input);
    return table ? (tensorDims(table)[0] ?? null) : null;
  };
  const maxType = (typeIds: number[]) => typeIds.reduce((max, id) => Math.max(max, id), 0);
  let pairTypeId: number | null = null;
  try {
    pairTypeId = maxType(tokenizer.encode('a', 'b').typeIds);
  } catch {
    // A tokenizer without a pair template: pairs are not offered by its encoding.
  }
  const raw = config.raw;
  const id = (key: string) => {
    const value = Array.isArray(raw[key]) ? (raw[key] as unknown[])[0] : raw[key];
    return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null;
  };
  return {
    tokenizer: {
      vocabSize: tokenizer.vocabSize,
      specialTokens: tokenizer.specialTokens(),
      singleTypeId: maxType(tokenizer.encode('a').typeIds),
      pairTypeId,
      padTokenId: tokenizer.padTokenId,
      bosTokenId: tokenizer.bosTokenId,
      eosTokenId: tokenizer.eosTokenId,
    },
    config: {
      vocabSize: config.vocabSize,
      typeVocabSize: id('type_vocab_size'),
      padTokenId: id('pad_token_id'),
      bosTokenId: id('bos_token_id'),
      eosTokenId: config.eosTokenId,
    },
    graph: {
      embeddingRows: rowsOf('input_ids'),
      takesTypeIds: index.feedInputs.has('token_type_ids'),
      typeRows: rowsOf('token_type_ids'),
    },
  };
}

/** Refuses a sentence pair the model's token-type table has no row for (see Consistency.maxTypeId). */
export function checkTypeIds(typeIds: readonly number[], maxTypeId: number | null): void {
  if (maxTypeId === null) return;
  const highest = typeIds.reduce((max, id) => Math.max(max, id), 0);
  if (highest > maxTypeId)
    throw new ModelLoadError(
      `This model cannot read sentence pairs: the tokenizer marks the second sentence with token type id ${highest}, but the model's token-type table has only ${plural(maxTypeId + 1, 'row')}. Use a single sentence.`,
      'mismatch',
    );
}
