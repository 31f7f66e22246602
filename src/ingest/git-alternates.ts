// The object directories a repository reads objects from: its own `objects`, then the ones its
// `objects/info/alternates` file borrows from (`git clone --shared` / `--reference`, the
// reference caches of Jenkins and GitLab runners), and theirs in turn, as git searches them.
// Each line of the file names an objects directory, absolute or relative to the objects
// directory holding the file; `#` lines are comments; a line starting with `"` is C-quoted.
import fs from 'node:fs';
import path from 'node:path';

/** git's own bound on alternates of alternates ("nesting too deep" beyond it). */
const MAX_DEPTH = 5;

export interface ObjectStores {
  /** The repository's own objects directory first, then its alternates, depth first. */
  readonly dirs: readonly string[];
  /** Alternates named but not found (a moved or deleted reference cache): their objects are missing. */
  readonly absent: readonly string[];
}

/** The stores of the objects directory `objectsDir`; a store named twice (or in a cycle) counts once. */
export function objectStores(objectsDir: string): ObjectStores {
  const dirs: string[] = [objectsDir];
  const absent: string[] = [];
  const seen = new Set<string>([realPath(objectsDir) ?? objectsDir]);
  const visit = (dir: string, depth: number): void => {
    if (depth >= MAX_DEPTH) return;
    for (const line of alternateLines(dir)) {
      const alternate = path.resolve(dir, line);
      const real = realPath(alternate);
      if (real === undefined) absent.push(alternate);
      if (real === undefined || seen.has(real)) continue;
      seen.add(real);
      dirs.push(alternate);
      visit(alternate, depth + 1);
    }
  };
  visit(objectsDir, 0);
  return { dirs, absent };
}

/** The paths `dir/info/alternates` lists (none when there is no such file). */
function alternateLines(dir: string): string[] {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, 'info', 'alternates'), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .map((line) => line.replace(/\r$/, ''))
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => (line.startsWith('"') ? unquoteC(line) : line))
    .filter((line): line is string => line !== undefined && line !== '');
}

const ESCAPES: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '"': 0x22, '\\': 0x5c };

/** git's C-style quoting (`"a\tb\303\251"`): escapes and octal bytes; undefined when malformed. */
export function unquoteC(quoted: string): string | undefined {
  const bytes: number[] = [];
  for (let i = 1; i < quoted.length; i++) {
    const c = String.fromCodePoint(quoted.codePointAt(i)!);
    if (c === '"') return i === quoted.length - 1 ? Buffer.from(bytes).toString('utf8') : undefined;
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      i += c.length - 1; // a character outside the BMP is two code units
      continue;
    }
    const next = quoted[++i];
    if (next === undefined) return undefined;
    const octal = /^[0-3][0-7]{2}/.exec(quoted.slice(i, i + 3));
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      i += 2;
    } else if (next in ESCAPES) {
      bytes.push(ESCAPES[next]!);
    } else {
      return undefined;
    }
  }
  return undefined; // no closing quote
}

function realPath(p: string): string | undefined {
  try {
    return fs.statSync(p).isDirectory() ? fs.realpathSync(p) : undefined;
  } catch {
    return undefined;
  }
}
