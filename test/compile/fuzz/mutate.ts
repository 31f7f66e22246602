// Seeded mutations of valid YAML: structural ones on the parsed value (drop, duplicate,
// retype fields) and textual ones on the bytes (random bytes, truncation, deep nesting,
// aliases, tabs). Same seed, same inputs, so any failure replays exactly.
import { parse, stringify } from 'yaml';

export { prng } from '../../support/prng.ts';

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const ODD_VALUES: readonly unknown[] = [
  null, 0, -1, 1.5, 65536, 2 ** 53, '', ' ', '*', 'x'.repeat(300), '\u0000', '(?=x)', '1s', 'NaN', true, [], {}, [[[]]],
  { exact: 'a', prefix: 'b' }, { value: 101 }, ['*'], { number: 0 }, '-1s', 'DNS', 'v1', '10.0.0.1',
];

/** Every path to a value in a plain JS tree (bounded walk). */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (out.length > 500) return out;
  if (Array.isArray(value)) value.forEach((v, i) => (out.push([...prefix, i]), paths(v, [...prefix, i], out)));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push([...prefix, k]), paths(v, [...prefix, k], out);
  return out;
}

function parentOf(root: unknown, path: (string | number)[]): Record<string | number, unknown> | undefined {
  let node = root;
  for (const seg of path.slice(0, -1)) node = (node as Record<string | number, unknown>)?.[seg];
  return node && typeof node === 'object' ? (node as Record<string | number, unknown>) : undefined;
}

function structural(r: Rand, text: string): string {
  const docs = text.split(/^---$/m).map((d) => parse(d, { logLevel: 'silent' }) as unknown);
  const i = Math.floor(r() * docs.length);
  const doc = docs[i];
  const all = paths(doc);
  for (let n = 1 + Math.floor(r() * 3); n > 0 && all.length > 0; n--) {
    const path = pick(r, all);
    const parent = parentOf(doc, path);
    const key = path[path.length - 1]!;
    if (!parent) continue;
    const op = r();
    if (op < 0.3) {
      if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
      else delete parent[key];
    } else if (op < 0.5 && Array.isArray(parent) && typeof key === 'number') {
      parent.push(structuredClone(parent[key]));
    } else if (op < 0.6 && !Array.isArray(parent)) {
      parent[`${String(key)}${pick(r, ['', 'x', 'S'])}`] = structuredClone(parent[key]);
    } else {
      parent[key] = structuredClone(pick(r, ODD_VALUES));
    }
  }
  docs[i] = doc;
  return docs.map((d) => stringify(d)).join('---\n');
}

function textual(r: Rand, text: string): string {
  const op = Math.floor(r() * 9);
  const at = Math.floor(r() * text.length);
  const lines = text.split('\n');
  const line = Math.floor(r() * lines.length);
  switch (op) {
    case 0: {
      const bytes = Array.from({ length: 1 + Math.floor(r() * 8) }, () => String.fromCharCode(Math.floor(r() * 128)));
      return text.slice(0, at) + bytes.join('') + text.slice(at);
    }
    case 1:
      return text.slice(0, at);
    case 2:
      lines.splice(line, 1);
      return lines.join('\n');
    case 3:
      lines.splice(line, 0, lines[line] ?? '');
      return lines.join('\n');
    case 4:
      lines[line] = `${' '.repeat(Math.floor(r() * 6))}${(lines[line] ?? '').trimStart()}`;
      return lines.join('\n');
    case 5: {
      const depth = pick(r, [50, 120, 600, 5000]);
      return `${text.slice(0, at)}${'['.repeat(depth)}${r() < 0.5 ? ']'.repeat(depth) : ''}${text.slice(at)}`;
    }
    case 6:
      return `${text.slice(0, at)} &a${text.slice(at, at + 5)} *a *b ${text.slice(at + 5)}`;
    case 7:
      lines[line] = `\t${lines[line] ?? ''}`;
      return lines.join('\n');
    default:
      return text.replace(/: /g, (m) => (r() < 0.05 ? pick(r, [':', ': :', ': - ', ': ? ', ': "']) : m));
  }
}

/** One mutated input: 1–3 mutations of a random seed text. Returns bytes (may be invalid UTF-8). */
export function mutate(r: Rand, seeds: readonly string[]): Uint8Array {
  let text = pick(r, seeds);
  for (let n = 1 + Math.floor(r() * 3); n > 0; n--) {
    try {
      text = r() < 0.5 ? structural(r, text) : textual(r, text);
    } catch {
      // The mutation itself could not parse the (already mutated) text: mutate the text instead.
      text = textual(r, text);
    }
  }
  const bytes = new TextEncoder().encode(text);
  if (r() < 0.05 && bytes.length > 0) bytes[Math.floor(r() * bytes.length)] = 0x80 + Math.floor(r() * 0x80);
  return bytes;
}
