/**
 * The model panel's tokenizer preview: a text of its own and the loaded model's tokens for it. The store
 * tokenizes again when the text or the model changes (while the preview is shown, through follow()), and
 * only the latest request's answer is shown, so a slow answer for an older text never replaces a newer one.
 */
import type { EncodedText } from '../core/model/tokenizer';
import type { PlaygroundClient } from '../worker/client';
import type { LoadedModel } from './loaded-model';

export type TokenizerClient = Pick<PlaygroundClient, 'tokenize'>;

export class TokenizerPreviewStore {
  text = $state('The quick brown fox jumps over the lazy dog.');
  /** The tokens of the last text tokenized; kept while the next request is on its way. */
  encoded = $state.raw<EncodedText | null>(null);
  error = $state<string | null>(null);

  #latest = 0;

  constructor(
    private readonly client: TokenizerClient,
    private readonly model: LoadedModel,
  ) {}

  /** Tokenizes the current text with the loaded model (nothing before a model is loaded). */
  async refresh(): Promise<void> {
    if (!this.model.info) return;
    const request = ++this.#latest;
    try {
      const encoded = await this.client.tokenize(this.text, null);
      if (request !== this.#latest) return;
      this.encoded = encoded;
      this.error = null;
    } catch (failure) {
      if (request !== this.#latest) return;
      this.error = (failure as Error).message;
    }
  }

  /** Tokenizes again on every change of the text or the model, until the returned function is called. */
  follow(): () => void {
    return $effect.root(() => {
      $effect(() => {
        void this.text;
        void this.model.generation;
        void this.model.info;
        void this.refresh();
      });
    });
  }
}
