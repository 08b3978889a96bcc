/**
 * How messages name a class. The core works on class indices, but a user reads labels: "noun.animal"
 * says which rows to fix, "class 3" does not.
 */
export function classDisplayName(k: number, classNames?: readonly string[]): string {
  const name = classNames?.[k];
  return name === undefined ? `class ${k}` : `"${name}"`;
}

/** The same name at the start of a sentence. */
export function classDisplayNameCapitalized(k: number, classNames?: readonly string[]): string {
  const name = classDisplayName(k, classNames);
  return `${name.charAt(0).toUpperCase()}${name.slice(1)}`;
}
