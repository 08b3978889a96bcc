import { WordVectorTextParser, type VectorSpace } from '../../analogy';
import { CancelledError, throwIfAborted } from '../../cancel';
import { yieldToEventLoop } from '../../runtime/yield';
import type { AnalogyProgressCallback } from '../../contracts/analogy';

/**
 * Reads a word2vec / GloVe text file the user dropped in: a File is streamed (never read whole into memory
 * first), a string is parsed a megabyte at a time so a cancel is seen between chunks.
 */
export async function readUserVectors(
  source: string | Blob,
  name: string,
  onProgress?: AnalogyProgressCallback,
  signal?: AbortSignal,
): Promise<VectorSpace> {
  const total = typeof source === 'string' ? source.length : source.size;
  const parser = new WordVectorTextParser((p) => onProgress?.({ stage: `Reading ${name}`, done: p.characters, total }));
  if (typeof source === 'string') {
    const chunk = 1 << 20;
    for (let start = 0; start < source.length; start += chunk) {
      throwIfAborted(signal);
      parser.push(source.slice(start, start + chunk));
      await yieldToEventLoop();
    }
  } else {
    const reader = source.stream().pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      if (signal?.aborted) {
        await reader.cancel();
        throw new CancelledError();
      }
      const { done, value } = await reader.read();
      if (done) break;
      parser.push(value);
    }
  }
  return parser.finish();
}
