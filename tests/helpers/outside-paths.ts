import path from 'node:path';

export interface OutsidePath {
  line: number;
  path: string;
}

/** Home, temp and workplace folders of a particular machine; a stranger's has none of them. */
const MACHINE_PATH =
  /(?<![\w.$/-])((?:\/(?:root|home|Users|tmp|work)|\/var\/tmp|[A-Za-z]:\\Users)(?:[/\\][^\s'"`)\]}>,;]*)?)(?=$|[\s'"`)\]}>,;])/g;
/** A relative path that climbs at least one folder, as written in an import, a string or a shell line. */
const CLIMBING_PATH = /(?<![\w.])((?:\.\.\/)+[^\s'"`)\]}>,;*]*)/g;
/** Sibling folders the team keeps beside the repository, whatever the file's depth. */
const SIBLING_FOLDER = /^(?:\.\.\/)+shared(?:\/|$)/;

/**
 * The paths in `text` (the contents of `file`, relative to the repository root) that point outside the
 * repository: a climbing relative path that leaves it from the file's folder, any path to the team's
 * `shared` folder, and absolute home, temp or workplace paths.
 */
export function outsidePathsIn(text: string, file: string): OutsidePath[] {
  const hits: OutsidePath[] = [];
  const fileDir = path.posix.dirname(file);
  text.split('\n').forEach((lineText, index) => {
    for (const match of lineText.matchAll(CLIMBING_PATH)) {
      const written = match[1];
      const resolved = path.posix.normalize(path.posix.join(fileDir, written));
      if (resolved.startsWith('..') || SIBLING_FOLDER.test(written)) hits.push({ line: index + 1, path: written });
    }
    for (const match of lineText.matchAll(MACHINE_PATH)) hits.push({ line: index + 1, path: match[1] });
  });
  return hits;
}
