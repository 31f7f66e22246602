// `meshlog status`: what the server serves (and whether its latest config was refused),
// which proxies are connected, and per type what they were sent, what they ACKed and what
// they rejected (with Envoy's own error message).
import type { ServerState } from '../../api/server-state.ts';
import type { ProxyStatus, TypeStatus } from '../../serve/proxy-status.ts';
import { XDS_TYPES } from '../../snapshot/types.ts';
import { OUTPUT_FLAG, parseFlags, usageError } from '../args.ts';
import { EXIT, type CliCommand } from '../command.ts';
import { chooseFormat, renderJson, renderTable } from '../output.ts';
import { serverStateText, servesLatest } from '../server-state-text.ts';
import { httpGet } from '../http-get.ts';
import { DEFAULT_STATUS_SERVER, serverUrl } from '../server-url.ts';

const FLAGS = { ...OUTPUT_FLAG, server: { type: 'string' } } as const;

const TIMEOUT_MS = 5000;

export const command: CliCommand = {
  name: 'status',
  summary: 'Show what the server serves, and what each proxy was sent, ACKed and NACKed',
  help: `Show what a meshlog server serves, and every proxy connected to it: its view, and per
xDS type (CDS, EDS, LDS, RDS) the version sent, the version ACKed, and the last rejection
(NACK) with Envoy's error message.

Usage:
  meshlog status [flags]

Flags:
  --server ADDRESS     meshlog HTTP address: an http(s) URL, or HOST:PORT as serve's
                       --http takes it (default $MESHLOG_SERVER, else ${DEFAULT_STATUS_SERVER})
  -o, --output FORMAT  table (default) or json

The first lines say which snapshot the server serves (generation, commit or content hash,
since when) and whether that is the latest config it read. When the latest config was
refused (invalid, or rejected by serve --envoy), they say so, with the reason and the first
errors; proxies keep the older snapshot meanwhile.

"synced" is yes when the proxy ACKed the latest version of every type it was sent (it runs
the snapshot the server serves), no while a version is in flight, NACK while a rejection
stands (SotW: until it ACKs a later version; Delta: the rejected resources are not resent).
A type cell shows the ACKed version; "<version>*" means sent but not ACKed yet; "NACK
<version>" means the proxy rejected that version and keeps running the previous one (the
reasons are listed under the table). Versions are <generation>-<hash>; a type the latest
change did not touch keeps its older generation.

json: {server, proxies}: server is {replica, snapshot: {generation, contentHash, commit,
      activatedAt} | null, rejected: {at, reason, errors, diagnostics} | null,
      rejectionsTotal} (GET /api/server; null from a server too old to have it); proxies is
      a list of {node, view, replica, connectedAt, types: {cds|eds|lds|rds: {sent, acked,
      nack: {version, message} | null}}} (GET /api/proxies).

Exit codes: 0 the server serves the latest config it read (proxies may still be syncing
            or NACKing: see the table), 1 the latest config was refused or nothing is
            served yet, 2 bad command line, 3 server unreachable or not answering.`,
  async run(argv, io) {
    const parsed = parseFlags(argv, FLAGS, 0);
    if (!parsed.ok) return usageError(io, 'status', parsed.message);
    const { args } = parsed;
    const format = chooseFormat(args.string('output'), ['table', 'json'], 'table');
    if (!format.ok) return usageError(io, 'status', format.message);
    const given = args.string('server');
    const fromEnv = given === undefined ? io.env['MESHLOG_SERVER'] : undefined;
    const server = serverUrl(given ?? fromEnv ?? DEFAULT_STATUS_SERVER, given !== undefined ? '--server' : 'MESHLOG_SERVER');
    if (!server.ok) return usageError(io, 'status', server.message);
    const base = server.base;

    let proxies: ProxyStatus[];
    let state: ServerState | null;
    try {
      // /api/server is newer than /api/proxies: a 404 is an older server, whose proxies are still worth showing.
      [proxies, state] = await Promise.all([getJson<ProxyStatus[]>(`${base}/api/proxies`), getJson<ServerState, null>(`${base}/api/server`, { value: null })]);
    } catch (err) {
      if (err instanceof BadAnswer) {
        io.stderr(`Error: ${err.message}\n`);
        return EXIT.unavailable;
      }
      // The socket error's code says why: ECONNREFUSED, ENOTFOUND, ETIMEDOUT, ...
      const cause = (err as { code?: string }).code ?? (err as Error).message;
      io.stderr(`Error: cannot reach meshlog at ${base} (${cause}). Is 'meshlog serve' running? Set --server or MESHLOG_SERVER.\n`);
      return EXIT.unavailable;
    }
    const exit = state === null || servesLatest(state) ? EXIT.ok : EXIT.invalid;

    if (format.format === 'json') {
      io.stdout(renderJson({ server: state, proxies }));
      return exit;
    }
    if (state) io.stdout(`${serverStateText(state)}\n`);
    if (proxies.length === 0) {
      io.stdout('No proxies connected.\n');
      return exit;
    }
    const rows = proxies.map((p) => [p.node, p.view ?? '(none)', p.replica, synced(p), ...XDS_TYPES.map((t) => cell(p.types[t])), p.connectedAt]);
    io.stdout(renderTable(['node', 'view', 'replica', 'synced', ...XDS_TYPES, 'connected'], rows));
    const nacks = proxies.flatMap((p) => XDS_TYPES.filter((t) => p.types[t].nack).map((t) => ({ p, t, nack: p.types[t].nack! })));
    if (nacks.length > 0) {
      io.stdout('\nRejected (NACK):\n');
      for (const { p, t, nack } of nacks) io.stdout(`  ${p.node} ${t.toUpperCase()} ${nack.version}: ${nack.message}\n`);
    }
    return exit;
  },
};

/** A server that answered, but not with what status asks for (an error status, or not meshlog). */
class BadAnswer extends Error {}

/** GET `url` as JSON; `missing`, when given, holds the answer to a 404. */
async function getJson<T, M = never>(url: string, missing?: { readonly value: M }): Promise<T | M> {
  const res = await httpGet(url, TIMEOUT_MS);
  if (res.status === 404 && missing) return missing.value;
  if (res.status < 200 || res.status > 299) throw new BadAnswer(`${url} answered ${res.status}: ${res.text.slice(0, 500)}`);
  try {
    return JSON.parse(res.text) as T;
  } catch {
    throw new BadAnswer(`${url} did not answer JSON: is this meshlog serve's --http address?`);
  }
}

/**
 * Whether the proxy runs what this replica last sent it of every type: the server sends each
 * new version as soon as it has it, so "yes" means up to date with the server's snapshot.
 * "no" while a version is in flight (or nothing was sent yet); "NACK" when it refused one.
 */
export function synced(p: ProxyStatus): string {
  const types = XDS_TYPES.map((t) => p.types[t]);
  // A NACK still listed stands (Delta keeps it: the rejected resources are not sent again).
  if (types.some((s) => s.nack !== null)) return 'NACK';
  // A type never sent is one the proxy did not ask for (no EDS when every cluster uses DNS).
  const sent = types.filter((s) => s.sent !== null);
  return sent.length > 0 && sent.every((s) => s.acked === s.sent) ? 'yes' : 'no';
}

function cell(s: TypeStatus): string {
  if (s.sent === null) return '-';
  if (s.nack && s.nack.version === s.sent) return `NACK ${s.nack.version}`;
  if (s.acked === s.sent) return s.acked;
  return `${s.sent}*`;
}
