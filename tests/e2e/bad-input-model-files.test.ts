/**
 * Bad model files through the model panel's "Local files" picker, in one page: every case checks the specific
 * message the page shows and that what the user had is still there: the loaded model, and the label tool's pasted
 * data and audit with its decision (this file's first test makes them), which a model load must not touch.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeModel } from '../../src/core/onnx';
import { externalDataFiles } from '../helpers/external-data-files';
import {
  fusedAttentionModel,
  oversizedModel,
  randomBytes,
  singleMatMulModel,
  truncatedModelBytes,
} from '../helpers/onnx-bad-models';
import { TINY_VOCAB, tinyTokenizerJson } from '../helpers/onnx-tiny-tokenizer';
import { GOOD, useBadInputPage } from './bad-input-page';
import { waitForModelReady } from './harness';
import { tinyModelFiles } from './tiny-model-files';

const bad = useBadInputPage();
const { expectModelKept, labelsTab, expectAuditKept } = bad;
let page: Page;
beforeAll(() => {
  page = bad.page;
});

const tiny = tinyModelFiles();

const biggerTokenizer = () => {
  const json = tinyTokenizerJson() as { model: { vocab: Record<string, number> } };
  const vocab = { ...json.model.vocab };
  for (let i = 0; i < 100; i++) vocab[`extra${i}`] = TINY_VOCAB.length + i;
  return JSON.stringify({ ...json, model: { ...json.model, vocab } });
};

describe('bad model files through the Local files picker, in one page', () => {
  // This file's own setup: the label tool's state every model case must keep (a test, as expect.poll needs one).
  it('labels: a first good audit with one decision (the state every later case must keep)', async () => {
    await bad.firstAudit();
  });

  const models: { name: string; files: { name: string; buffer: Buffer }[]; message: string | RegExp }[] = [
    {
      name: 'a truncated ONNX',
      files: [{ name: 'model.onnx', buffer: Buffer.from(truncatedModelBytes(0.6)) }],
      message:
        /^model\.onnx: This file is not an ONNX model, or it is incomplete \(protobuf decode failed at byte \d+ of \d+: .*probably truncated/,
    },
    {
      name: 'random bytes',
      files: [{ name: 'weights.onnx', buffer: Buffer.from(randomBytes(5000)) }],
      message:
        'weights.onnx: This file is not an ONNX model (protobuf decode failed at byte 4 of 5000: invalid end group tag).',
    },
    {
      name: 'a non-transformer (single MatMul)',
      files: [{ name: 'matmul.onnx', buffer: Buffer.from(encodeModel(singleMatMulModel())) }],
      message:
        'matmul.onnx has no "input_ids" input (its inputs: x), so it cannot take text: it does not look like a transformer language model.',
    },
    {
      name: 'a model over the memory the browser allows',
      files: [{ name: 'huge.onnx', buffer: Buffer.from(encodeModel(oversizedModel(4))) }],
      message:
        "The model needs more memory than this browser gives the page: huge.onnx declares 4.0 GB of weights, and onnxruntime's WebAssembly heap (at most 4.0 GB) must hold them about twice while the session is created, so at most about 2.0 GB of weights can load.",
    },
    {
      name: 'a malformed tokenizer.json',
      files: [
        { name: 'model.onnx', buffer: Buffer.from(tiny['onnx/model.onnx']) },
        { name: 'tokenizer.json', buffer: Buffer.from('{"model": {"type": "WordPiece", "vocab": ') },
      ],
      message: /^tokenizer\.json is not valid JSON \(.+\)\.$/,
    },
    {
      name: "a tokenizer.json that does not match the model's vocabulary size",
      files: [
        { name: 'model.onnx', buffer: Buffer.from(tiny['onnx/model.onnx']) },
        { name: 'tokenizer.json', buffer: Buffer.from(biggerTokenizer()) },
      ],
      message: `The tokenizer does not match the model: it has ${TINY_VOCAB.length + 100} tokens but the model's embedding has only ${TINY_VOCAB.length} rows. Use the tokenizer.json that came with this model.`,
    },
  ];

  for (const { name, files, message } of models) {
    it(`model local files: ${name}`, async () => {
      await page.getByRole('radiogroup', { name: 'Model source' }).getByText('Local files', { exact: true }).click();
      const withTokenizer = files.some((f) => f.name === 'tokenizer.json')
        ? files
        : [...files, { name: 'tokenizer.json', buffer: Buffer.from(tiny['tokenizer.json']) }];
      await page
        .locator('input[type=file][accept^=".onnx,.json"]')
        .setInputFiles(withTokenizer.map((f) => ({ ...f, mimeType: 'application/octet-stream' })));
      const alert = page
        .getByRole('alert')
        .filter({ hasText: typeof message === 'string' ? message : message.source.replace(/\\/g, '').slice(1, 30) });
      await alert.waitFor({ timeout: 60_000 });
      const text = (await alert.locator('.text').textContent())!;
      if (typeof message === 'string') expect(text.startsWith(message), text).toBe(true);
      else expect(text).toMatch(message);
      await expectModelKept();
      await alert.getByRole('button', { name: 'Dismiss' }).click();
      // The pasted data and the audit are untouched by a failed model load.
      await labelsTab();
      expect(await page.getByTestId('labels-input').inputValue()).toBe(GOOD);
      await expectAuditKept();
    });
  }

  it('model local files: a model without its tokenizer.json is refused before loading', async () => {
    await page.getByRole('radiogroup', { name: 'Model source' }).getByText('Local files', { exact: true }).click();
    await page.locator('input[type=file][accept^=".onnx,.json"]').setInputFiles({
      name: 'model.onnx',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from(tiny['onnx/model.onnx']),
    });
    await page
      .getByRole('alert')
      .filter({ hasText: 'A tokenizer.json is needed next to model.onnx: pick or drop both files together' })
      .waitFor({ timeout: 30_000 });
    await expectModelKept();
    await page
      .getByRole('alert')
      .filter({ hasText: 'A tokenizer.json is needed' })
      .getByRole('button', { name: 'Dismiss' })
      .click();
  });

  it('model local files: a model with fused attention loads and every tool says what it cannot do; the built-in model comes back', async () => {
    await page.getByRole('radiogroup', { name: 'Model source' }).getByText('Local files', { exact: true }).click();
    await page.locator('input[type=file][accept^=".onnx,.json"]').setInputFiles([
      {
        name: 'fused.onnx',
        mimeType: 'application/octet-stream',
        buffer: Buffer.from(encodeModel(fusedAttentionModel(TINY_VOCAB.length))),
      },
      { name: 'tokenizer.json', mimeType: 'application/json', buffer: Buffer.from(tiny['tokenizer.json']) },
    ]);
    await page.getByTestId('model-status').getByText('fused.onnx').waitFor({ timeout: 60_000 });
    await page.getByTestId('tab-attention').click();
    await page
      .getByText(
        'Attention is not available for this model: the model uses fused attention ops (com.microsoft.Attention ×1) that compute attention internally, so its attention probabilities cannot be read: attention view unavailable.',
      )
      .waitFor({ timeout: 30_000 });
    await page.getByTestId('tab-uncertainty').click();
    await page
      .getByText(/MC dropout is not available for this model: .*fused attention ops \(com\.microsoft\.Attention ×1\)/)
      .waitFor();
    // The pasted data does not depend on the model.
    await labelsTab();
    expect(await page.getByTestId('labels-input').inputValue()).toBe(GOOD);
    await expectAuditKept();

    await page.getByRole('radiogroup', { name: 'Model source' }).getByText('Built in', { exact: true }).click();
    await page.getByTestId('load-model').click();
    await page.getByTestId('model-status').getByText(bad.modelName).waitFor({ timeout: 120_000 });
    await waitForModelReady(page);
  });
  it('model local files: a model whose weights are in model.onnx_data is refused, named, when only its .onnx is picked, and loads with it', async () => {
    const external = externalDataFiles();
    const modelBefore = (await page.getByTestId('model-status').locator('.name').textContent()) ?? '';
    await page.getByRole('radiogroup', { name: 'Model source' }).getByText('Local files', { exact: true }).click();
    const picker = page.locator('input[type=file][accept^=".onnx,.json"]');
    const onnx = { name: 'model.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from(external.onnx) };
    const tokenizer = { name: 'tokenizer.json', mimeType: 'application/json', buffer: Buffer.from(external.tokenizer) };
    await picker.setInputFiles([onnx, tokenizer]);
    const message =
      'model.onnx keeps its weights in a separate external data file, model.onnx_data, which was not among the files picked. Pick or drop model.onnx_data together with model.onnx and tokenizer.json.';
    const alert = page.getByRole('alert').filter({ hasText: 'which was not among the files picked' });
    await alert.waitFor({ timeout: 60_000 });
    expect((await alert.locator('.text').textContent())!.startsWith(message)).toBe(true);
    expect(await page.getByTestId('model-status').locator('.name').textContent()).toBe(modelBefore);
    await page.getByTestId('model-ready').waitFor();
    await alert.getByRole('button', { name: 'Dismiss' }).click();

    await picker.setInputFiles([
      onnx,
      tokenizer,
      { name: 'model.onnx_data', mimeType: 'application/octet-stream', buffer: Buffer.from(external.data) },
    ]);
    await page.getByTestId('model-status').getByText('model.onnx').waitFor({ timeout: 60_000 });
    await waitForModelReady(page);
    await page.getByTestId('tab-attention').click();
    // Attention runs on the weights from the data file.
    await page.getByTestId('attention-text').fill('the cat sat');
    await page.getByTestId('attention-tokens').getByText('cat', { exact: true }).waitFor({ timeout: 60_000 });
  });

  it('model local files: a tokenizer trimmed below the embedding table loads with a visible warning naming the mismatch', async () => {
    const json = tinyTokenizerJson() as { model: { vocab: Record<string, number> } };
    const kept = TINY_VOCAB.length - 5;
    const vocab = Object.fromEntries(Object.entries(json.model.vocab).filter(([, id]) => id < kept));
    await page.getByRole('radiogroup', { name: 'Model source' }).getByText('Local files', { exact: true }).click();
    await page.locator('input[type=file][accept^=".onnx,.json"]').setInputFiles([
      { name: 'trimmed.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from(tiny['onnx/model.onnx']) },
      {
        name: 'tokenizer.json',
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify({ ...json, model: { ...json.model, vocab } })),
      },
    ]);
    await page.getByTestId('model-status').getByText('trimmed.onnx').waitFor({ timeout: 60_000 });
    const warning = page.getByRole('status').filter({ hasText: "This model's files disagree" });
    await warning.waitFor({ timeout: 30_000 });
    expect(await warning.locator('.text').textContent()).toContain(
      `The tokenizer has ${kept} tokens but the model's embedding table has ${TINY_VOCAB.length} rows: ids ${kept} to ${TINY_VOCAB.length - 1} are never used.`,
    );
  });
});
