// The server lines of `meshlog status` for the refusals a live server is slow to produce:
// many errors, the pre-serve Envoy check, and a folder that could not be read at all.
import { describe, expect, it } from 'vitest';
import type { ServerState } from '../../src/api/server-state.ts';
import { serverStateText, servesLatest } from '../../src/cli/server-state-text.ts';

const SNAPSHOT = { generation: 42, contentHash: 'f7e5b348363475d272c7', commit: '1a2b3c4d5e6f7a8b9c0d', activatedAt: '2026-11-23T17:44:15.172Z' };
const AT = '2026-11-23T18:00:00.000Z';

function state(rejected: ServerState['rejected'], snapshot: ServerState['snapshot'] = SNAPSHOT): ServerState {
  return { replica: 'r1', snapshot, rejected, rejectionsTotal: rejected ? 1 : 0 };
}

describe('status: the server lines', () => {
  it('names the commit when the snapshot has one', () => {
    expect(serverStateText(state(null))).toBe('Server r1: serving generation 42 (commit 1a2b3c4d5e6f, content f7e5b3483634) since 2026-11-23T17:44:15.172Z\nLatest config: served\n');
    expect(servesLatest(state(null))).toBe(true);
  });

  it('shows the first five errors and counts the rest', () => {
    const diagnostics = Array.from({ length: 7 }, (_, i) => `routing/r.yaml:${i + 1}:3: error ML3003: bad weight`);
    const text = serverStateText(state({ at: AT, reason: '7 validation error(s)', errors: 7, diagnostics }));
    expect(text.split('\n').slice(1)).toEqual([
      `Latest config: REFUSED at ${AT}: 7 validation error(s); proxies keep the snapshot above`,
      ...diagnostics.slice(0, 5).map((d) => `  ${d}`),
      '  … and 2 more',
      "Run 'meshlog validate' on the config folder for every error (serve's log lists them too).",
      '',
    ]);
  });

  it('sends a pre-serve check refusal to validate --envoy, and a refusal without diagnostics to the log', () => {
    const envoy = state({ at: AT, reason: '1 error(s) from the pre-serve check', errors: 1, diagnostics: ['routing/r.yaml:9:7: error ML5001: Envoy 1.40.0 rejects …'] });
    expect(serverStateText(envoy)).toContain("Run 'meshlog validate --envoy PATH' on the config folder for every error");
    const unreadable = state({ at: AT, reason: 'EACCES: permission denied', errors: null, diagnostics: [] }, null);
    expect(serverStateText(unreadable)).toBe(
      'Server r1: NOT SERVING: no valid config read yet; proxies that connect get nothing\n' +
        `Latest config: REFUSED at ${AT}: EACCES: permission denied\n` +
        "See serve's log for the details.\n",
    );
    expect(servesLatest(unreadable)).toBe(false);
    expect(servesLatest(state(null, null))).toBe(false);
  });
});
