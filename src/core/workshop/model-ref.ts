import type { ModelSource } from '../model/sources';

/** A model as it can appear in a shared link: everything but local files, which exist only on one machine. */
export type ShareableModelSource = Exclude<ModelSource, { kind: 'files' }>;

/**
 * One string per model source, readable in an address bar:
 * `playground-bert-mini` (built in), `hub:owner/name@revision`, `url:https://host/folder/`.
 * A custom Hub host is not part of it: a link should not point participants at a private mirror.
 */
export function formatModelRef(source: ShareableModelSource): string {
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
  const text = ref.trim();
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
