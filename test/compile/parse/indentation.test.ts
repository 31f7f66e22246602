// A missing colon or a key indented too far: the YAML library's own wording ("Implicit keys
// need to be on a single line", "All mapping items must start at the same column", the latter
// at column 1 of the wrong line) is replaced by what is wrong, at the key to fix.
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../../src/core/diagnostics.ts';
import { loadOne } from './helpers.ts';

const HEAD = 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\n  namespace: bookinfo\nspec:\n  hosts:\n  - reviews\n  http:\n';
const report = (http: string) => loadOne(HEAD + http).diagnostics.map(formatDiagnostic);

describe('YAML indentation and colon errors', () => {
  it('a list item without its colon, followed by an indented block, is reported at the word, with the colon to add', () => {
    expect(report('  - route\n    - destination: {host: reviews, subset: v1}\n')).toEqual([
      'config.yaml:10:5: error ML1001: "route" has no colon, so YAML reads it and line 11, indented under it, as one key over several lines: write "route:" if it is a key, or indent line 11 less if it does not belong under "route"',
    ]);
  });

  it('a key indented further than the next key of its mapping is reported at that key, not at column 1 of the next line', () => {
    expect(report('  - route:\n    - destination:\n          host: reviews\n        subset: v1\n')).toEqual([
      'config.yaml:12:11: error ML1001: "host" is indented 2 columns further than "subset" on line 13, the next key of the same mapping; keys of one mapping start at the same column: indent "host" as far as "subset"',
    ]);
  });

  it('a key indented less than the keys above it, and more than their parent, is reported at its own column', () => {
    expect(report('  - route:\n    - destination:\n          host: reviews\n          port: {number: 9080}\n        subset: v1\n')).toEqual([
      'config.yaml:14:9: error ML1001: "subset" is indented less than "host" (column 11) and more than "destination" (column 7), so it lines up with no mapping; keys of one mapping start at the same column: indent "subset" as far as "host" if it belongs beside it, or as far as "destination"',
    ]);
  });

  it('a key indented further than the key with a value above it is one plain diagnostic at that key', () => {
    const text = 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: web\n    namespace: shop\nspec:\n  hosts: [web]\n';
    expect(loadOne(text).diagnostics.map(formatDiagnostic)).toEqual([
      'config.yaml:5:5: error ML1001: "namespace" is indented 2 columns further than "name" on line 4, the key above it; "name" has a value on its line, so nothing can be under it: indent "namespace" as far as "name"',
    ]);
    expect(loadOne(text.replace('    namespace', '   namespace')).diagnostics.map(formatDiagnostic)).toEqual([
      'config.yaml:5:4: error ML1001: "namespace" is indented 1 column further than "name" on line 4, the key above it; "name" has a value on its line, so nothing can be under it: indent "namespace" as far as "name"',
    ]);
  });

  it('under a one-entry map, the key that strayed is blamed, not the entry indented as the file indents', () => {
    const dr = 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: r, namespace: shop}\nspec:\n  host: web\n  subsets:\n  - name: v1\n    labels:\n      version: v1\n';
    expect(loadOne(`${dr}     trafficPolicy: {}\n`).diagnostics.map(formatDiagnostic)).toEqual([
      'config.yaml:10:6: error ML1001: "trafficPolicy" is indented less than "version" (column 7) and more than "labels" (column 5), so it lines up with no mapping; keys of one mapping start at the same column: indent "trafficPolicy" as far as "version" if it belongs beside it, or as far as "labels"',
    ]);
    // The label is the one off the file's step: it is blamed, with "1 column".
    expect(loadOne(dr.replace('      version', '       version') + '      trafficPolicy: {}\n').diagnostics.map(formatDiagnostic)).toEqual([
      'config.yaml:9:8: error ML1001: "version" is indented 1 column further than "trafficPolicy" on line 10, the next key of the same mapping; keys of one mapping start at the same column: indent "version" as far as "trafficPolicy"',
    ]);
  });

  it('a key lined up with the list items above it says it is no item and where it belongs', () => {
    expect(report('    - name: v2\n      route:\n        - destination:\n            host: reviews\n        timeout: 3s\n')).toEqual([
      'config.yaml:14:9: error ML1001: "timeout" is indented as far as the list items under "route" (line 12) but is not one (no "-"); if it belongs beside "route", indent it as far as "route" (column 7); if it belongs to the list item above it (line 12), as far as that item\'s keys (column 11)',
    ]);
  });

  it('a key between a list item\'s "-" and its keys names the item and both places it may go, not "Sequence item without - indicator" at column 1', () => {
    expect(report('    - name: a\n      timeout: 3s\n     route:\n      - destination: {host: reviews}\n')).toEqual([
      'config.yaml:12:6: error ML1001: "route" is indented between the "-" of the list item on line 10 (column 5) and that item\'s keys (column 7), so it lines up with neither: indent it as far as "name" (column 7) if it belongs to that item, or write "- route:" at column 5 if it starts an item of its own',
    ]);
  });

  it('a key set twice, the first time with no value, names the key and both lines, at the second', () => {
    expect(report('    - route:\n      route:\n      - destination: {host: reviews}\n')).toEqual([
      'config.yaml:11:7: error ML1002: duplicate key "route" (first set at line 10); keys in a mapping must be unique: remove or merge one',
    ]);
  });
});
