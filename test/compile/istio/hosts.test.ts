// Host names as Istio resolves and matches them.
import { describe, expect, it } from 'vitest';
import { hostCovers, isVisible, resolveHost, sidecarDomains, visibilityOf } from '../../../src/compile/istio/hosts.ts';
import { mergePolicy } from '../../../src/compile/istio/traffic-policy.ts';

describe('resolveHost', () => {
  const known = (h: string) => h === 'reviews.prod.svc.cluster.local';
  it.each([
    ['reviews', 'default', 'reviews.default.svc.cluster.local'],
    ['Reviews', 'prod', 'reviews.prod.svc.cluster.local'],
    ['reviews.prod', 'default', 'reviews.prod.svc.cluster.local'], // known service: expanded
    ['api.internal', 'default', 'api.internal'], // not a known service: kept
    ['reviews.prod.svc.cluster.local', 'x', 'reviews.prod.svc.cluster.local'],
    ['*.example.com', 'x', '*.example.com'],
    ['*', 'x', '*'],
    ['10.0.0.1', 'x', '10.0.0.1'],
  ])('%s in %s → %s', (host, ns, want) => {
    expect(resolveHost(host, ns, 'cluster.local', known)).toBe(want);
  });

  it('uses the configured cluster domain', () => {
    expect(resolveHost('orders', 'apps', 'corp.local')).toBe('orders.apps.svc.corp.local');
  });
});

describe('hostCovers', () => {
  it.each([
    ['*', 'a.b', true],
    ['*.example.com', 'a.example.com', true],
    ['*.example.com', 'a.b.example.com', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', '*.a.example.com', true],
    ['a.example.com', '*.example.com', false],
    ['a.example.com', 'a.example.com', true],
  ])('%s covers %s: %s', (p, h, want) => expect(hostCovers(p, h)).toBe(want));
});

describe('sidecarDomains', () => {
  it("adds the short name only for the service's own namespace, and the absolute FQDN; no port forms (the table ignores the Host's port)", () => {
    expect(sidecarDomains('reviews.default.svc.cluster.local', 'cluster.local', 'default')).toEqual([
      'reviews', 'reviews.default', 'reviews.default.svc', 'reviews.default.svc.cluster.local', 'reviews.default.svc.cluster.local.',
    ]);
    expect(sidecarDomains('reviews.default.svc.cluster.local', 'cluster.local', null)).not.toContain('reviews');
    expect(sidecarDomains('api.example.com', 'cluster.local', 'default')).toEqual(['api.example.com', 'api.example.com.']);
  });
});

describe('exportTo', () => {
  it('treats absent and * as everyone, . as the own namespace, ~ as nobody', () => {
    expect(isVisible(visibilityOf(undefined, 'a'), null)).toBe(true);
    expect(isVisible(visibilityOf(['.'], 'a'), 'a')).toBe(true);
    expect(isVisible(visibilityOf(['.'], 'a'), 'b')).toBe(false);
    expect(isVisible(visibilityOf(['.'], 'a'), null)).toBe(false);
    expect(isVisible(visibilityOf(['~'], 'a'), 'a')).toBe(false);
    expect(isVisible(visibilityOf(['b'], 'a'), 'b')).toBe(true);
  });
});

describe('mergePolicy (Istio: top ← port level, whole; subset groups override; subset port level, whole)', () => {
  const top = {
    loadBalancer: { simple: 'ROUND_ROBIN' as const },
    outlierDetection: { consecutive5xxErrors: 5 },
    portLevelSettings: [{ port: { number: 90 }, loadBalancer: { simple: 'RANDOM' as const } }],
  };
  it('takes a port-level entry instead of the whole top-level policy', () => {
    expect(mergePolicy(top, undefined, 90)).toEqual({ loadBalancer: { simple: 'RANDOM' } });
    expect(mergePolicy(top, undefined, 80)).toEqual({ loadBalancer: { simple: 'ROUND_ROBIN' }, outlierDetection: { consecutive5xxErrors: 5 } });
  });
  it('lets a subset replace single groups, and its port level replace everything', () => {
    const subset = { loadBalancer: { simple: 'LEAST_REQUEST' as const }, portLevelSettings: [{ port: { number: 70 }, tls: { mode: 'SIMPLE' as const } }] };
    expect(mergePolicy(top, subset, 80)).toEqual({ loadBalancer: { simple: 'LEAST_REQUEST' }, outlierDetection: { consecutive5xxErrors: 5 } });
    expect(mergePolicy(top, subset, 70)).toEqual({ tls: { mode: 'SIMPLE' } });
  });
});
