// exportTo as Istio validates it (validateExportTo): `~` on ServiceEntries only and never with
// other entries, `*` alone, no namespace twice (`.` being the resource's own).
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../../src/core/diagnostics.ts';
import { loadOne } from '../parse/helpers.ts';

const HEAD = (kind: string) => `apiVersion: networking.istio.io/v1\nkind: ${kind}\nmetadata:\n  name: reviews\n  namespace: bookinfo\nspec:\n`;
const virtualService = (exportTo: string) => `${HEAD('VirtualService')}  hosts: [reviews]\n  exportTo: ${exportTo}\n  http:\n  - route: [{destination: {host: reviews}}]\n`;
const serviceEntry = (exportTo: string) =>
  `${HEAD('ServiceEntry')}  hosts: [httpbin.org]\n  ports: [{number: 80, name: http, protocol: HTTP}]\n  resolution: DNS\n  exportTo: ${exportTo}\n`;
const destinationRule = (rest: string) => `${HEAD('DestinationRule')}  host: reviews\n${rest}`;
const report = (yaml: string) => loadOne(yaml).diagnostics.map(formatDiagnostic);

describe('exportTo', () => {
  it('"~" (exported to no one) is refused on a VirtualService and a DestinationRule', () => {
    expect(report(virtualService('["~"]'))).toEqual([
      'config.yaml:8:14: error ML3032: "~" (exported to no one) is allowed on a ServiceEntry only; list the namespaces to export to, or "." for this one [spec.exportTo[0]]',
    ]);
    expect(report(virtualService('[".", "~"]'))).toEqual([
      'config.yaml:8:19: error ML3032: "~" (exported to no one) is allowed on a ServiceEntry only; list the namespaces to export to, or "." for this one [spec.exportTo[1]]',
    ]);
    expect(report(destinationRule('  exportTo: ["~"]\n'))).toEqual([
      'config.yaml:8:14: error ML3032: "~" (exported to no one) is allowed on a ServiceEntry only; list the namespaces to export to, or "." for this one [spec.exportTo[0]]',
    ]);
  });

  it('"~" alone is a ServiceEntry visible to no sidecar; with another entry it is an error', () => {
    expect(report(serviceEntry('["~"]'))).toEqual([]);
    expect(report(serviceEntry('["~", "frontend"]'))).toEqual([
      'config.yaml:10:3: error ML3032: "~" exports to no one; it cannot be combined with other entries [spec.exportTo]',
    ]);
  });

  it('a namespace listed twice is an error at the second entry, "." counting as the own namespace', () => {
    expect(report(serviceEntry('["frontend", "frontend"]'))).toEqual([
      'config.yaml:10:26: error ML3032: "frontend" is listed more than once; list each namespace once [spec.exportTo[1]]',
    ]);
    expect(report(serviceEntry('[".", "bookinfo"]'))).toEqual([
      'config.yaml:10:19: error ML3032: "." and "bookinfo" both mean this namespace; keep one of them [spec.exportTo[1]]',
    ]);
    expect(report(virtualService('[bookinfo, "."]'))).toEqual([
      'config.yaml:8:24: error ML3032: "." and "bookinfo" both mean this namespace; keep one of them [spec.exportTo[1]]',
    ]);
    expect(report(virtualService('[".", frontend]'))).toEqual([]);
  });

  it('a DestinationRule with a workloadSelector is exported to its own namespace at most', () => {
    const selector = '  workloadSelector: {matchLabels: {app: reviews}}\n';
    expect(report(destinationRule(`${selector}  exportTo: [bookinfo]\n`)).filter((d) => d.includes('ML3032'))).toEqual([]);
    expect(report(destinationRule(`${selector}  exportTo: [".", frontend]\n`))).toEqual([
      'config.yaml:9:3: error ML3032: a DestinationRule with a workloadSelector can be exported to its own namespace only: write exportTo: ["."], or leave exportTo out [spec.exportTo]',
    ]);
  });
});
