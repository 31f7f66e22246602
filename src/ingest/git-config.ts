// The few settings of a repository's `config` file that change how it must be read: the
// object format (`extensions.objectformat`) and whether it is a partial clone (a promisor
// remote). Parsed here rather than through isomorphic-git so that a repository isomorphic-git
// cannot read at all (SHA-256) can still be named for what it is. `include` files are not
// followed: these settings are written by `git init` and `git clone` into the file itself.
import fs from 'node:fs';
import path from 'node:path';

export interface GitConfig {
  /** The last value of `key` (`section.name` or `section.subsection.name`), as git would use it. */
  get(key: string): string | undefined;
  /** Every `section.subsection.name` key whose section and name match, with its last value. */
  keys(section: string, name: string): ReadonlyMap<string, string>;
}

/** `gitdir/config`, empty when there is none or it cannot be read. */
export function readGitConfig(gitdir: string): GitConfig {
  let text = '';
  try {
    text = fs.readFileSync(path.join(gitdir, 'config'), 'utf8');
  } catch {
    // No config: every setting has git's default.
  }
  return parseGitConfig(text);
}

/** git's config syntax: `[section]`, `[section "subsection"]`, `name = value`, `name` alone (true). */
export function parseGitConfig(text: string): GitConfig {
  const values = new Map<string, string>();
  let section: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]/.exec(line);
    if (header) {
      // Section names are case-insensitive, subsection names are not; `[a.b]` is the old spelling of `[a "b"]`.
      section = header[2] === undefined ? header[1]!.toLowerCase() : `${header[1]!.toLowerCase()}.${header[2].replace(/\\(.)/g, '$1')}`;
      continue;
    }
    const entry = /^([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*(.*))?$/.exec(line);
    if (!entry || section === undefined) continue;
    values.set(`${section}.${entry[1]!.toLowerCase()}`, entry[2] === undefined ? 'true' : configValue(entry[2]));
  }
  return {
    get: (key) => values.get(normalKey(key)),
    keys(section, name) {
      const found = new Map<string, string>();
      const prefix = `${section.toLowerCase()}.`;
      const suffix = `.${name.toLowerCase()}`;
      for (const [key, value] of values) {
        if (key.startsWith(prefix) && key.endsWith(suffix) && key.length > prefix.length + suffix.length) found.set(key, value);
      }
      return found;
    },
  };
}

/** git's boolean spellings. */
export function isTrue(value: string | undefined): boolean {
  return value !== undefined && ['true', 'yes', 'on', '1'].includes(value.toLowerCase());
}

/** A value without its comment and quotes (`"a b" ; note` → `a b`). */
function configValue(raw: string): string {
  let out = '';
  let quoted = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '\\' && i + 1 < raw.length) out += raw[++i] === 'n' ? '\n' : raw[i] === 't' ? '\t' : raw[i];
    else if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '#' || c === ';')) break;
    else out += c;
  }
  return quoted ? out : out.trim();
}

/** `Remote.Origin.Promisor` → `remote.Origin.promisor`: the section and name lower-cased, the subsection kept. */
function normalKey(key: string): string {
  const first = key.indexOf('.');
  const last = key.lastIndexOf('.');
  if (first < 0) return key.toLowerCase();
  const section = key.slice(0, first).toLowerCase();
  const name = key.slice(last + 1).toLowerCase();
  return first === last ? `${section}.${name}` : `${section}.${key.slice(first + 1, last)}.${name}`;
}
