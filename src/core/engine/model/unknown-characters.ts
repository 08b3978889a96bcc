import type { PreparedModel } from './prepare-model';

/** Characters of a text that became the tokenizer's unknown token, with that token as shown. */
export interface UnknownCharacters {
  characters: string[];
  token: string;
}

/** The characters the tokenizer had to turn into its unknown token, if any (every tool that shows tokens notes them). */
export function unknownOf(model: PreparedModel, text: string): UnknownCharacters | undefined {
  const { tokenizer } = model;
  if (tokenizer.unkTokenId === null) return undefined;
  const characters = tokenizer.unknownCharacters(text);
  return characters.length === 0 ? undefined : { characters, token: tokenizer.displayToken(tokenizer.unkTokenId) };
}
