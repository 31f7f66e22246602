// The VirtualHost (VHDS) part of one Delta stream. Envoy 1.40 opens it with an empty name
// list (the wildcard) and files each host under the route table named by its `<table>/`
// prefix: every route table it accepted with `vhds` watches that prefix, and a host that
// arrives while no table watches it is dropped, though Envoy still counts it as held (it is
// in initial_resource_versions after a reconnect). So the wildcard means "the hosts of the
// tables the proxy holds": those it subscribed to over RDS; and after a route table is sent,
// the next response carries all of its hosts, whatever versions the proxy is thought to hold
// (make-before-break, as EDS follows CDS: a new table's watch starts empty). A client may
// instead name tables, each meaning all `<table>/...` hosts; Envoy's on_demand filter asks
// for `<table>/<host>`. Like the other Delta types we keep a pointer to the shared host list
// the proxy was last brought up to, so after a one-route change every stream of a view
// writes the same small response: the one virtual host that changed.
//
// Status and metrics count VHDS under `rds`: for such a proxy the route configuration is
// its tables plus their hosts, and the version it ACKs is the same `<generation>-<hash>`
// a classic proxy ACKs for the same route configuration.
import type { SnapshotView } from '../snapshot/types.ts';
import type { DeltaRequest, NodeMessage } from './codec.ts';
import { frameMessage } from './framed-messages.ts';
import { EMPTY_NAMES, nameSet, withNames, type NameSet } from './name-sets.ts';
import { noteSent, takeAnswered, type AwaitsAnswers, type SentResponse } from './outstanding.ts';
import type { TypeStatus } from './proxy-status.ts';
import { contentNonce } from './resource-frames.ts';
import { VIRTUAL_HOST_TYPE_URL, type VhdsEntry, type VhdsSnapshot, type VhdsTable } from './vhds-derive.ts';
import { parseOnDemandName, resolveHost } from './vhds-resolve.ts';
import { DELTA_FIELDS, lenField, stringField } from './wire.ts';
import { VHDS_METADATA_KEY } from '../envoy/ads-bootstrap.ts';

export { VIRTUAL_HOST_TYPE_URL };

const ALIASES_FIELD = 4; // envoy.service.discovery.v3.Resource.aliases
const EMPTY_HOSTS: readonly VhdsEntry[] = Object.freeze([]);
/** Stands for "every table of the view" in the shared-diff key. */
const ALL_TABLES: NameSet = { names: [], set: new Set(), key: '*' };

interface Diff {
  readonly body: Buffer; // framed resources + removed_resources
  /** The hosts it sends, and those it removes. */
  readonly names: readonly string[];
  readonly removed: readonly string[];
}

/** from → to → subscribed tables → diff: shared by every stream in the same position. */
const diffs = new WeakMap<readonly VhdsEntry[], WeakMap<readonly VhdsEntry[], Map<NameSet, Diff>>>();
const messages = new WeakMap<Diff, { version: string; message: Buffer; nonce: string }>();

export class VhdsSubscription implements AwaitsAnswers {
  /** Every name subscribed: route table names and on-demand `<table>/<host>` names. */
  #names: NameSet = EMPTY_NAMES;
  #base: readonly VhdsEntry[] = EMPTY_HOSTS;
  /** Versions the proxy says it holds (reconnect), until the next response. */
  #held: Map<string, string> | null = null;
  /** On-demand names to answer in the next response. */
  #asked: string[] = [];
  /** Responses not answered yet (outstanding.ts); null: none. */
  outstanding: SentResponse[] | null = null;
  #mustAnswer = true;
  /** Envoy asks for VirtualHosts only once it holds a vhds route table: say nothing before. */
  #started = false;
  /**
   * Envoy 1.40 opens VHDS with an empty subscription (the legacy wildcard) and picks the
   * hosts of each table by name prefix itself: it then gets the hosts of every table it
   * subscribed to over RDS.
   */
  #wildcard = false;
  /** Route tables sent over RDS since the last response: all their hosts go in the next. */
  #tablesSent: Set<string> | null = null;

  /** Whether the proxy gets the hosts of the tables it holds over RDS (not tables it named). */
  get wildcard(): boolean {
    return this.#wildcard;
  }

  /**
   * Takes a request in. Returns the response its nonce answers (its ACK or NACK is counted,
   * shown and logged by the stream that owns this subscription), 'stale' for a nonce never
   * sent or answered already, null for none (or the first request's, from an earlier stream).
   */
  onRequest(req: DeltaRequest): SentResponse | 'stale' | null {
    const first = !this.#started;
    if (first) {
      this.#started = true;
      this.#wildcard = req.resource_names_subscribe.length === 0 || req.resource_names_subscribe.includes('*');
    } else if (req.resource_names_subscribe.includes('*')) this.#wildcard = true;
    if (req.resource_names_unsubscribe.includes('*')) this.#wildcard = false;
    const nonce = req.response_nonce;
    const answered = nonce === '' || first ? null : (takeAnswered(this, nonce) ?? 'stale');
    const held = Object.entries(req.initial_resource_versions ?? {});
    if (held.length > 0) this.#held = new Map(held);
    const add = req.resource_names_subscribe.filter((n) => n !== '*');
    const remove = req.resource_names_unsubscribe.filter((n) => n !== '*');
    if (add.length > 0 || remove.length > 0) {
      this.#names = withNames(this.#names, add, remove);
      this.#asked.push(...add);
      this.#mustAnswer = true;
    }
    return answered;
  }

  /**
   * Route tables were sent to the proxy over RDS: the next response carries every host of
   * them. A table Envoy accepts for the first time (or again, after rejecting a version)
   * starts watching its hosts only then, and takes none it was sent before.
   */
  tablesSent(names: readonly string[]): void {
    this.#tablesSent ??= new Set();
    for (const n of names) this.#tablesSent.add(n);
  }

  /**
   * Writes what the proxy lacks for `view`; returns false when nothing was due. `rdsTables`:
   * the route tables the proxy subscribed to over RDS (null: all, an RDS wildcard).
   */
  flush(
    vhds: VhdsSnapshot,
    view: SnapshotView | undefined,
    version: string,
    send: (message: Buffer) => void,
    status: TypeStatus | undefined,
    rdsTables: NameSet | null,
  ): boolean {
    if (!this.#started) return false;
    const tables = view ? vhds.tables(view) : NO_TABLES;
    // Table names select whole namespaces; anything else was an on-demand question.
    const tableNames = this.#wildcard
      ? heldTables(tables, rdsTables)
      : nameSet(this.#names.names.filter((n) => tables.has(n) || !parseOnDemandName(n, tables)));
    const target = !view ? EMPTY_HOSTS : tableNames === ALL_TABLES ? vhds.allHosts(view) : vhds.hostsFor(view, tableNames);
    const asked = this.#asked.filter((n) => !tableNames.set.has(n) && !tables.has(n));
    const resend = this.#tablesSent ? this.#hostsToResend(tables, tableNames) : null;
    this.#tablesSent = null;
    if (target === this.#base && this.#held === null && asked.length === 0 && resend === null && !this.#mustAnswer) return false;

    let message: Buffer;
    let nonce: string;
    let names: readonly string[];
    let removed: readonly string[];
    if (this.#held === null && asked.length === 0 && resend === null) {
      const diff = sharedDiff(this.#base, target, tableNames);
      if (diff.names.length === 0 && diff.removed.length === 0 && !this.#mustAnswer) {
        this.#base = target;
        return false;
      }
      ({ message, nonce } = sharedMessage(diff, version));
      ({ names, removed } = diff);
    } else {
      let held = this.#held ?? entryVersions(this.#base);
      if (resend) {
        const copy = new Map(held);
        for (const name of resend) copy.delete(name);
        held = copy;
      }
      const diff = buildDiff(held, target, tableNames);
      const parts = [diff.body];
      for (const name of asked) parts.push(aliasAnswer(name, tables));
      ({ message, nonce } = buildMessage(Buffer.concat(parts), version));
      names = asked.length === 0 ? diff.names : [...diff.names, ...asked];
      removed = diff.removed;
    }
    this.#base = target;
    this.#held = null;
    this.#asked = [];
    this.#mustAnswer = false;
    noteSent(this, { nonce, version, names, removed });
    if (status) status.sent = version;
    send(message);
    return true;
  }

  /**
   * Hosts of the tables just sent over RDS that the diff would not send, since the proxy is
   * thought to hold them at their current version; null when there are none.
   */
  #hostsToResend(tables: ReadonlyMap<string, VhdsTable>, tableNames: NameSet): string[] | null {
    const held = this.#held ?? entryVersions(this.#base);
    const out: string[] = [];
    for (const name of this.#tablesSent!) {
      if (tableNames !== ALL_TABLES && !tableNames.set.has(name)) continue;
      for (const host of tables.get(name)?.hosts ?? EMPTY_HOSTS) if (held.get(host.name) === host.hash) out.push(host.name);
    }
    return out.length > 0 ? out : null;
  }
}

const NO_TABLES: ReadonlyMap<string, VhdsTable> = new Map();

/**
 * The tables whose hosts a wildcard subscription gets: those the proxy subscribed to over RDS.
 * All of the view's (the shared list) when it subscribed to each of them, as a proxy does once
 * its listeners are up; else exactly its RDS names (interned, so proxies in the same position
 * still share diffs). Names the view lacks stay in: hosts the proxy holds of a table that went
 * away are then listed as removed.
 */
function heldTables(tables: ReadonlyMap<string, VhdsTable>, rdsTables: NameSet | null): NameSet {
  if (rdsTables === null) return ALL_TABLES;
  // Once per (tables, RDS names), not per stream and flush: streams share both (interned).
  let byNames = heldMemo.get(tables);
  if (!byNames) heldMemo.set(tables, (byNames = new WeakMap()));
  let held = byNames.get(rdsTables);
  if (!held) {
    held = ALL_TABLES;
    for (const name of tables.keys()) {
      if (!rdsTables.set.has(name)) {
        held = rdsTables;
        break;
      }
    }
    byNames.set(rdsTables, held);
  }
  return held;
}
const heldMemo = new WeakMap<ReadonlyMap<string, VhdsTable>, WeakMap<NameSet, NameSet>>();

function sharedDiff(from: readonly VhdsEntry[], to: readonly VhdsEntry[], tables: NameSet): Diff {
  let byTo = diffs.get(from);
  if (!byTo) {
    byTo = new WeakMap();
    diffs.set(from, byTo);
  }
  let byTables = byTo.get(to);
  if (!byTables) {
    byTables = new Map();
    byTo.set(to, byTables);
  }
  let hit = byTables.get(tables);
  if (!hit) {
    hit = buildDiff(entryVersions(from), to, tables);
    byTables.set(tables, hit);
  }
  return hit;
}

const versionMaps = new WeakMap<readonly VhdsEntry[], ReadonlyMap<string, string>>();
function entryVersions(entries: readonly VhdsEntry[]): ReadonlyMap<string, string> {
  let m = versionMaps.get(entries);
  if (!m) {
    m = new Map(entries.map((e) => [e.name, e.hash]));
    versionMaps.set(entries, m);
  }
  return m;
}

/** Hosts whose version differs from what is held, and held hosts of subscribed tables now gone. */
function buildDiff(held: ReadonlyMap<string, string>, to: readonly VhdsEntry[], tables: NameSet): Diff {
  const parts: Buffer[] = [];
  const names: string[] = [];
  const removed: string[] = [];
  const present = new Set<string>();
  for (const e of to) {
    present.add(e.name);
    if (held.get(e.name) !== e.hash) {
      parts.push(e.frame);
      names.push(e.name);
    }
  }
  for (const name of held.keys()) {
    if (present.has(name)) continue;
    const slash = name.lastIndexOf('/');
    // Hosts of a table the proxy unsubscribed from are its business, not a removal.
    if (slash > 0 && (tables === ALL_TABLES || tables.set.has(name.slice(0, slash)))) {
      parts.push(stringField(DELTA_FIELDS.removedResources, name));
      removed.push(name);
    }
  }
  return { body: Buffer.concat(parts), names, removed };
}

/**
 * An on-demand answer: the covering virtual host with the asked name as alias, or, when no
 * host covers it, a Resource with only name and alias (Envoy's "not found").
 */
function aliasAnswer(asked: string, tables: Parameters<typeof parseOnDemandName>[1]): Buffer {
  const parsed = parseOnDemandName(asked, tables);
  const found = parsed ? resolveHost(parsed.table, parsed.host) : undefined;
  const alias = stringField(ALIASES_FIELD, asked);
  const resource = found ? Buffer.concat([found.resource, alias]) : Buffer.concat([stringField(3, asked), alias]);
  return lenField(DELTA_FIELDS.resources, resource);
}

function sharedMessage(diff: Diff, version: string): { message: Buffer; nonce: string } {
  const hit = messages.get(diff);
  if (hit && hit.version === version) return hit;
  const built = { version, ...buildMessage(diff.body, version) };
  messages.set(diff, built);
  return built;
}

function buildMessage(changes: Buffer, version: string): { message: Buffer; nonce: string } {
  const body = Buffer.concat([
    stringField(DELTA_FIELDS.systemVersionInfo, version),
    changes,
    stringField(DELTA_FIELDS.typeUrl, VIRTUAL_HOST_TYPE_URL),
  ]);
  const nonce = contentNonce(body);
  return { message: frameMessage(Buffer.concat([body, stringField(DELTA_FIELDS.nonce, nonce)])), nonce };
}

type MetadataValue = { stringValue?: string; string_value?: string; boolValue?: boolean; bool_value?: boolean };

/** Whether the proxy opted in to VHDS (Delta streams only; SotW has no VHDS). */
export function wantsVhds(node: NodeMessage | null | undefined): boolean {
  const v = node?.metadata?.fields?.[VHDS_METADATA_KEY] as MetadataValue | undefined;
  if (!v) return false;
  return (v.stringValue ?? v.string_value) === 'true' || (v.boolValue ?? v.bool_value) === true;
}
