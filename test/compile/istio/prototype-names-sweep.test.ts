// Names a user writes (ports, subsets, labels, hosts, namespaces, headers, gateways, ...) end up
// as keys of plain objects and maps all through the compiler. A name that is also an
// Object.prototype member must read as any other name: each word of every golden input is
// replaced by such names in turn, and every result must compile or report, never throw, and
// every resource it encodes must decode (a port named `constructor` once encoded the
// prototype's function as a port number, and the bytes did not decode).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeResource } from '../../../src/snapshot/encode.ts';
import { compileYaml } from '../../support/compile-yaml.ts';

const GOLDEN = path.join(import.meta.dirname, '../../golden/ir');
// Two of them: a function-valued member, and the one that sets an object's prototype.
const NAMES = ['constructor', '__proto__'];
/** Words of the YAML structure itself: replacing them only tests the schema's unknown-field report. */
const STRUCTURE = new Set(['kind', 'metadata', 'spec', 'name', 'namespace']);

describe('Object.prototype member names in place of user-written names', () => {
  it('compile or give diagnostics, never throw, and every encoded resource decodes', () => {
    let compiled = 0;
    const failures: string[] = [];
    for (const f of fs.readdirSync(GOLDEN).filter((n) => n.endsWith('.in.yaml')).sort()) {
      const text = fs.readFileSync(path.join(GOLDEN, f), 'utf8');
      const words = [...new Set(text.match(/\b[a-z][a-z0-9-]{1,20}\b/g) ?? [])].filter((w) => !STRUCTURE.has(w));
      for (const word of words) {
        for (const name of NAMES) {
          const mutated = text.replace(new RegExp(`\\b${word}\\b`, 'g'), name);
          try {
            const result = compileYaml(mutated);
            if (!result.snapshot) continue;
            compiled++;
            for (const resource of result.snapshot.resources.values()) decodeResource(resource);
          } catch (e) {
            failures.push(`${f}: "${word}" → "${name}": ${(e as Error).message}`);
          }
        }
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
    // The sweep reaches the encoder, not only the loader's diagnostics.
    expect(compiled).toBeGreaterThan(500);
  });
});
