import type { LoadProgress } from '../../state/model-store.svelte';
import { formatBytes } from '../common/format';

/** The progress bar's label and detail line while a model loads. */
export function loadProgressText(progress: LoadProgress): { label: string; detail: string } {
  if (progress.stage === 'prepare')
    return { label: 'Preparing model', detail: 'Preparing the graph and creating the session…' };
  // Before the first byte arrives there is nothing downloaded to count: "0 B" would read as a broken download.
  if (progress.loaded === 0 && progress.total === null)
    return { label: 'Loading model', detail: 'Finding the model files…' };
  const total = progress.total === null ? '' : ` of ${formatBytes(progress.total)}`;
  return {
    label: 'Downloading model',
    detail: `${progress.file ? `${progress.file}: ` : ''}${formatBytes(progress.loaded)}${total}`,
  };
}
