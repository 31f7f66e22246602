// The SYNCED column of `meshlog status`: does the proxy run the server's current config?
import { describe, expect, it } from 'vitest';
import { synced } from '../../src/cli/commands/status.ts';
import type { ProxyStatus, TypeStatus } from '../../src/serve/proxy-status.ts';

const ok = (v: string): TypeStatus => ({ sent: v, acked: v, nack: null });
const proxy = (types: Partial<Record<'cds' | 'eds' | 'lds' | 'rds', TypeStatus>>): ProxyStatus => ({
  node: 'n',
  view: 'sidecar',
  replica: 'r1',
  connectedAt: '2026-12-06T00:00:00.000Z',
  types: { cds: ok('1-a'), eds: ok('1-b'), lds: ok('1-c'), rds: ok('1-d'), ...types },
});

describe('status SYNCED', () => {
  it('is yes when every type ACKed what it was last sent, whatever generations the types carry', () => {
    expect(synced(proxy({ rds: ok('7-e') }))).toBe('yes');
  });

  it('is no while a version is in flight, or before anything was sent', () => {
    expect(synced(proxy({ rds: { sent: '7-e', acked: '1-d', nack: null } }))).toBe('no');
    const none = { sent: null, acked: null, nack: null };
    expect(synced(proxy({ cds: none, eds: none, lds: none, rds: none }))).toBe('no');
  });

  it('leaves out a type the proxy never asked for (no EDS when every cluster uses DNS)', () => {
    expect(synced(proxy({ eds: { sent: null, acked: null, nack: null } }))).toBe('yes');
  });

  it('is NACK when the proxy refused the latest version of a type, and yes again once it ACKs a later one', () => {
    expect(synced(proxy({ rds: { sent: '7-e', acked: '1-d', nack: { version: '7-e', message: 'bad regex' } } }))).toBe('NACK');
    expect(synced(proxy({ rds: ok('8-f') }))).toBe('yes');
  });
});
