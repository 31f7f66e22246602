// The name checks are hand-written scans (they run for every name of every resource); here
// they are compared with the regexes they stand for, and the IP pre-check with node's isIP.
import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isDnsLabel, isDnsSubdomain, isIpOrCidr, isLabelName } from '../../../src/compile/validate/checks-values.ts';
import { prng } from '../fuzz/mutate.ts';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;

const pickOne = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

function strings(count: number): string[] {
  const r = prng(31);
  const alphabet = ['a', 'z', 'A', 'Z', '0', '9', '-', '.', '_', ':', '/', ' ', 'é', '\n', 'f', '1', '2', '5'];
  const out = ['', 'a', '-', '.', 'a.', '.a', 'a..b', 'a-', '-a', 'x'.repeat(63), 'x'.repeat(64), `${'a.'.repeat(126)}a`, `${'a.'.repeat(127)}a`,
    '10.0.0.1', '256.1.1.1', '1.2.3', '::1', 'fe80::1%eth0', '2001:db8::/32', '10.0.0.0/8', 'svc-0.ns-0.svc.cluster.local', 'a\n'];
  for (let i = 0; i < count; i++) out.push(Array.from({ length: Math.floor(r() * 12) }, () => alphabet[Math.floor(r() * alphabet.length)]).join(''));
  return out;
}

describe('name scans', () => {
  it('agree with the DNS-1123 and label-name regexes', () => {
    for (const s of strings(20000)) {
      expect(isDnsLabel(s), JSON.stringify(s)).toBe(s.length <= 63 && DNS_LABEL.test(s));
      expect(isDnsSubdomain(s), JSON.stringify(s)).toBe(s.length <= 253 && DNS_SUBDOMAIN.test(s));
      expect(isLabelName(s), JSON.stringify(s)).toBe(LABEL_NAME.test(s));
    }
  });

  it('answer IP questions as node does', () => {
    for (const s of strings(20000)) expect(isIpOrCidr(s, false), JSON.stringify(s)).toBe(isIP(s) !== 0 && !s.includes('/'));
    // Dotted quads and near misses (leading zeros, parts over 255, too few or many parts).
    const r = prng(7);
    const part = () => pickOne(r, ['0', '1', '9', '10', '01', '00', '99', '100', '199', '200', '249', '250', '255', '256', '300', '999', '1000', '', 'a', ' 1']);
    for (let i = 0; i < 20000; i++) {
      const s = Array.from({ length: 2 + Math.floor(r() * 4) }, part).join('.');
      expect(isIpOrCidr(s, false), JSON.stringify(s)).toBe(isIP(s) !== 0);
    }
  });
});
