const PREFIX = 'transformer-playground:';

/** Small settings in localStorage; a broken or foreign value reads as absent instead of throwing. */
export function readPersisted<T>(key: string): T | null {
  try {
    const text = localStorage.getItem(PREFIX + key);
    return text === null ? null : (JSON.parse(text) as T);
  } catch {
    return null;
  }
}

export function writePersisted(key: string, value: unknown): void {
  try {
    localStorage.setItem(PREFIX + key, JSON.stringify(value));
  } catch {
    // Private mode or a full quota: the setting simply is not remembered.
  }
}
