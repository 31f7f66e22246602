// The lines `meshlog status` prints above the proxy table: the snapshot the server serves and,
// when the config it read last was refused, that fact, why, and where the errors are. Without
// them a proxy's SYNCED "yes" (it runs what the server sends) reads as "it runs my latest
// commit" while the server is still serving an older one.
import type { ServerState } from '../api/server-state.ts';

/** Diagnostics printed under a refusal; the rest are counted ("and N more"). */
const DIAGNOSTICS_SHOWN = 5;

/** Whether the server serves the latest config it read: what `status` exits 0 for. */
export function servesLatest(state: ServerState): boolean {
  return state.snapshot !== null && state.rejected === null;
}

export function serverStateText(state: ServerState): string {
  const lines: string[] = [];
  const snap = state.snapshot;
  if (snap) {
    const source = snap.commit ? `commit ${snap.commit.slice(0, 12)}, content ${snap.contentHash.slice(0, 12)}` : `content ${snap.contentHash.slice(0, 12)}`;
    lines.push(`Server ${state.replica}: serving generation ${snap.generation} (${source}) since ${snap.activatedAt}`);
  } else {
    lines.push(`Server ${state.replica}: NOT SERVING: no valid config read yet; proxies that connect get nothing`);
  }
  const refused = state.rejected;
  if (!refused) {
    if (snap) lines.push('Latest config: served');
    return lines.join('\n') + '\n';
  }
  const keeps = snap ? '; proxies keep the snapshot above' : '';
  lines.push(`Latest config: REFUSED at ${refused.at}: ${refused.reason}${keeps}`);
  for (const d of refused.diagnostics.slice(0, DIAGNOSTICS_SHOWN)) lines.push(`  ${d}`);
  const unlisted = (refused.errors ?? 0) - Math.min(refused.diagnostics.length, DIAGNOSTICS_SHOWN);
  if (unlisted > 0) lines.push(`  … and ${unlisted} more`);
  lines.push(whereToLook(refused));
  return lines.join('\n') + '\n';
}

/** Where the whole story of a refusal is: the diagnostics again, or the server's log. */
function whereToLook(refused: NonNullable<ServerState['rejected']>): string {
  if (refused.errors === null) return "See serve's log for the details.";
  const envoyCheck = refused.reason.includes('pre-serve check');
  const command = envoyCheck ? "'meshlog validate --envoy PATH'" : "'meshlog validate'";
  return `Run ${command} on the config folder for every error (serve's log lists them too).`;
}
