// Parity check: encode strings with @huggingface/tokenizers (JS) and print JSON lines.
// usage: node check_tokenizer.mjs <tokenizer.json> <tokenizer_config.json|-> <strings.jsonl>
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
// resolved from this file upward, so the repository's own node_modules is used wherever it is cloned
const { Tokenizer } = require('@huggingface/tokenizers');
const [tj, tc, inp] = process.argv.slice(2);
const tok = new Tokenizer(JSON.parse(readFileSync(tj, 'utf8')), tc === '-' ? {} : JSON.parse(readFileSync(tc, 'utf8')));
for (const line of readFileSync(inp, 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const c = JSON.parse(line);
  const e = Array.isArray(c) ? tok.encode(c[0], { text_pair: c[1], return_token_type_ids: true }) : tok.encode(c, { return_token_type_ids: true });
  console.log(JSON.stringify({ ids: e.ids, types: e.token_type_ids ?? null }));
}
