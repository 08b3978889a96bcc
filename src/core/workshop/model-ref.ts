import { isVariantFileName } from '../model/onnx-variants';
import type { ModelSource } from '../model/sources';

/** A model as it can appear in a shared link: everything but local files, which exist only on one machine. */
export type ShareableModelSource = Exclude<ModelSource, { kind: 'files' }>;

/**
 * One string per model source, readable in an address bar:
 * `playground-bert-mini` (built in), `hub:owner/name@revision`, `url:https://host/folder/`.
 * A chosen .onnx variant follows after "|": `hub:owner/name|model_quantized.onnx`.
 * A custom Hub host is not part of it: a link should not point participants at a private mirror.
 */
export function formatModelRef(source: ShareableModelSource): string {
  return formatSource(source) + (source.onnxFile ? `|${source.onnxFile}` : '');
}

function formatSource(source: ShareableModelSource): string {
  switch (source.kind) {
    case 'embedded':
      return source.name;
    case 'hub':
      return `hub:${source.repo}${source.revision && source.revision !== 'main' ? `@${source.revision}` : ''}`;
    case 'url':
      return `url:${source.url}`;
  }
}

export function parseModelRef(ref: string): ShareableModelSource | { error: string } {
  const bar = ref.lastIndexOf('|');
  if (bar < 0) return parseSource(ref.trim());
  const onnxFile = ref.slice(bar + 1).trim();
  if (!isVariantFileName(onnxFile)) return { error: `"${onnxFile.slice(0, 60)}" is not the name of an .onnx file` };
  const source = parseSource(ref.slice(0, bar).trim());
  return 'error' in source ? source : { ...source, onnxFile };
}

function parseSource(text: string): ShareableModelSource | { error: string } {
  if (text.startsWith('hub:')) {
    const [repo, revision] = text.slice(4).split('@');
    if (!/^[\w.-]+(\/[\w.-]+)?$/.test(repo))
      return { error: `"${repo.slice(0, 60)}" is not a Hugging Face repo id (owner/name)` };
    if (revision !== undefined && !/^[\w./-]{1,100}$/.test(revision))
      return { error: `"${revision.slice(0, 60)}" is not a revision name` };
    return revision ? { kind: 'hub', repo, revision } : { kind: 'hub', repo };
  }
  if (text.startsWith('url:')) {
    const url = text.slice(4);
    try {
      const parsed = new URL(url);
      if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
        return { error: 'a model address must start with https://' };
      return { kind: 'url', url: parsed.href };
    } catch {
      return { error: `"${url.slice(0, 60)}" is not a web address` };
    }
  }
  if (!/^[\w.-]{1,100}$/.test(text)) return { error: `"${text.slice(0, 60)}" is not the name of a built-in model` };
  return { kind: 'embedded', name: text };
}
