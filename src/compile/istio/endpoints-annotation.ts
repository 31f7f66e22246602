// The `meshlog.dev/endpoints` annotation of a Kubernetes Service → registry endpoints.
//
// One endpoint per line (or separated by `;`): an IP address, then optional `key=value` labels.
// Each endpoint also carries the Service's selector labels (the pods it stands for match the
// selector), so DestinationRule subsets select them as usual. An address is checked as
// ServiceEntry endpoint addresses are (ML3021), since Envoy rejects the whole EDS update for one
// malformed address ("malformed IP address"): `10.0.0.311` or `10.0.0.010` must fail here.
import type { Diagnostic } from '../../core/diagnostics.ts';
import { ENDPOINTS_ANNOTATION } from '../annotations.ts';
import { diagnostic } from '../../core/diagnostic-codes/index.ts';
import { blockScalarPosition } from '../parse/block-scalar.ts';
import type { LineColumn } from '../parse/types.ts';
import type { KubeServiceSpec } from '../schema/index.ts';
import { isIpOrCidr } from '../validate/checks-values.ts';
import type { Loaded } from '../parse/load-resources.ts';
import type { RegistryEndpoint } from './registry.ts';
import { at } from './where.ts';

const LABEL = /^([A-Za-z0-9][-A-Za-z0-9_./]*)=([-A-Za-z0-9_.]*)$/;
const PATH = ['metadata', 'annotations', ENDPOINTS_ANNOTATION] as const;

/** A word of the annotation and where it starts in the annotation's value. */
interface Word {
  readonly text: string;
  readonly line: number;
  readonly offset: number;
}

export function parseEndpoints(
  svc: Loaded<'Service', KubeServiceSpec>,
  selector: Readonly<Record<string, string>>,
  diagnostics: Diagnostic[],
): RegistryEndpoint[] {
  const text = svc.metadata.annotations[ENDPOINTS_ANNOTATION];
  if (text === undefined) return [];
  const report = (message: string, word: Word) => diagnostics.push(diagnostic('ML4015', message, { ...at(svc, PATH), ...positionOf(svc, text, word) }));
  const out: RegistryEndpoint[] = [];
  for (const entry of entries(text)) {
    const [address, ...rest] = entry;
    if (address === undefined) continue;
    if (!isIpOrCidr(address.text, false)) {
      report(`endpoint "${address.text}" is not an IP address (IPv4: four numbers 0-255 without leading zeros, e.g. 10.0.0.7; or IPv6)`, address);
      continue;
    }
    const labels: Record<string, string> = { ...selector };
    const own = new Map<string, string>();
    let ok = true;
    for (const word of rest) {
      const m = LABEL.exec(word.text);
      const key = m?.[1] ?? '';
      const value = m?.[2] ?? '';
      if (!m) {
        report(`endpoint ${address.text}: "${word.text}" is not a key=value label`, word);
      } else if (own.has(key)) {
        report(`endpoint ${address.text}: label "${key}" is given twice (${own.get(key)}, ${value}); give it once`, word);
      } else {
        own.set(key, value);
        labels[key] = value;
        continue;
      }
      ok = false;
      break;
    }
    if (ok) out.push({ address: address.text, ports: {}, labels });
  }
  return out;
}

/** The annotation's endpoints, each as its words with their places. */
function* entries(text: string): Generator<Word[]> {
  const lines = text.split('\n');
  for (let line = 0; line < lines.length; line++) {
    const lineText = lines[line] ?? '';
    let entry: Word[] = [];
    for (const m of lineText.matchAll(/[^\s;]+|;/g)) {
      if (m[0] === ';') {
        yield entry;
        entry = [];
      } else {
        entry.push({ text: m[0], line, offset: m.index });
      }
    }
    yield entry;
  }
}

/** The word's own line and column when the annotation is a `|` block; else the annotation key's. */
function positionOf(svc: Loaded<'Service', KubeServiceSpec>, value: string, word: Word): LineColumn | Record<string, never> {
  if (svc.text === undefined) return {};
  return blockScalarPosition(svc.text, svc.locate(PATH), value, word.line, word.offset) ?? {};
}
