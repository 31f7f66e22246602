// One incremental (Delta) ADS stream. We track what the proxy holds as a pointer to the
// view entries it was last brought up to (shared by every proxy of that view) plus a small
// per-stream map of deviations (initial_resource_versions, fresh subscriptions). In the
// common case the diff from one snapshot to the next is computed once and shared.
//
// Copy-on-write per stream: an idle proxy in step with its view holds only pointers to
// shared structures (entry list, interned name set, version string); the deviation map and
// the reported-unknown set exist only while there is something in them. Thousands of idle
// streams thus cost a few hundred bytes of state each, not a map per type.
import { XDS_TYPES, xdsTypeOfUrl, type ViewEntry, type XdsType } from '../snapshot/types.ts';
import { isNack, type DeltaRequest, type RpcStatus } from './codec.ts';
import { EMPTY_NAMES, nameSet, withNames, type NameSet } from './name-sets.ts';
import { noteSent, takeAnswered, type SentResponse } from './outstanding.ts';
import { EMPTY_ENTRIES, viewEntries } from './response-cache.ts';
import { AdsStreamBase } from './stream-base.ts';
import { sotwVersion } from './versions.ts';
import { vhdsSnapshot } from './vhds-derive.ts';
import { VhdsSubscription, VIRTUAL_HOST_TYPE_URL, wantsVhds } from './vhds-stream.ts';
import { noteAck, rejectedNames, Rejections } from './proxy-status.ts';

interface DeltaTypeState {
  wildcard: boolean;
  /** Explicit subscriptions (besides the wildcard). */
  names: NameSet;
  /** The proxy holds these entries (those it is subscribed to). */
  base: readonly ViewEntry[];
  /** Deviations from `base`: name → version held, null = not held (so it must be sent). Null: none. */
  overrides: Map<string, string | null> | null;
  /** Names to send even if unchanged: clusters just pushed, whose EDS must follow. */
  forced: NameSet | null;
  /** Unknown names already reported in removed_resources; null until there is one. */
  reportedUnknown: Set<string> | null;
  /** Responses not answered yet (outstanding.ts); null: none. */
  outstanding: SentResponse[] | null;
  mustAnswer: boolean;
}

/** Keeps VHDS hosts apart from route table names among the rds rejections. */
const VHDS_SCOPE = '\u0000';

/** LDS/CDS: an empty first subscription means "everything" (the legacy wildcard). */
const WILDCARD_TYPES: ReadonlySet<XdsType> = new Set(['cds', 'lds']);

const forcedSets = new WeakMap<readonly string[], NameSet>();
function sharedNameSet(names: readonly string[]): NameSet {
  let s = forcedSets.get(names);
  if (!s) {
    s = nameSet(names);
    forcedSets.set(names, s);
  }
  return s;
}

export class DeltaStream extends AdsStreamBase {
  readonly #types = new Map<XdsType, DeltaTypeState>();
  /** VHDS state when the node opted in (vhds-stream.ts); null: classic; undefined: no node yet. */
  #vhds: VhdsSubscription | null | undefined;
  /** What the NACKs standing in status rejected, per type; null until a NACK. */
  #rejected: Map<XdsType, Rejections> | null = null;

  onRequest(req: DeltaRequest): void {
    this.identify(req.node);
    if (this.#vhds === undefined && req.node) this.#vhds = wantsVhds(req.node) ? new VhdsSubscription() : null;
    const type = xdsTypeOfUrl(req.type_url);
    if (!type) {
      if (this.#vhds && req.type_url === VIRTUAL_HOST_TYPE_URL) {
        const answered = this.#vhds.onRequest(req);
        if (answered === 'stale') this.ctx.metrics.staleNonces++;
        else if (answered) this.#answered('rds', answered, req.error_detail, VHDS_SCOPE);
        // Hosts the proxy no longer asks for no longer keep a NACK standing; nor, unless it gets
        // the hosts of its RDS tables (the wildcard), do those of the tables it named.
        const remove = req.resource_names_unsubscribe.filter((n) => n !== '*');
        if (remove.length > 0) this.#settle('rds', remove, VHDS_SCOPE, this.#vhds.wildcard ? null : remove);
        this.flush();
      }
      return;
    }

    const subscribe = req.resource_names_subscribe;
    const unsubscribe = req.resource_names_unsubscribe;
    let st = this.#types.get(type);
    if (!st) {
      // What the proxy already holds (after a reconnect): send only what differs.
      const held = Object.entries(req.initial_resource_versions ?? {});
      st = {
        wildcard: subscribe.includes('*') || (subscribe.length === 0 && WILDCARD_TYPES.has(type)),
        names: nameSet(subscribe.filter((n) => n !== '*')),
        base: EMPTY_ENTRIES,
        overrides: held.length > 0 ? new Map(held) : null,
        forced: null,
        reportedUnknown: null,
        outstanding: null,
        mustAnswer: true,
      };
      this.#types.set(type, st);
      this.flush();
      return;
    }

    const nonce = req.response_nonce;
    if (nonce !== '') {
      // Each Delta response carries its own resources, so a reply to any response not yet
      // answered counts, even after later ones went out. Stale: a nonce never sent on this
      // stream, or answered already; that voids the ACK/NACK, but subscription changes count.
      const answered = takeAnswered(st, nonce);
      if (answered) this.#answered(type, answered, req.error_detail, '');
      else this.ctx.metrics.staleNonces++;
    }

    if (subscribe.length > 0 || unsubscribe.length > 0) {
      if (unsubscribe.includes('*')) st.wildcard = false;
      if (subscribe.includes('*')) st.wildcard = true;
      const add = subscribe.filter((n) => n !== '*');
      const remove = unsubscribe.filter((n) => n !== '*');
      st.names = withNames(st.names, add, remove);
      for (const n of remove) {
        st.overrides?.delete(n);
        st.reportedUnknown?.delete(n);
      }
      // A rejected resource the proxy no longer asks for no longer keeps its NACK standing; nor,
      // for a route table, do its VHDS hosts (the proxy drops them, we neither remove nor resend them).
      if (remove.length > 0) this.#settle(type, remove, '', null);
      if (remove.length > 0 && type === 'rds' && this.#vhds) this.#settle('rds', [], VHDS_SCOPE, remove);
      // Subscribing (again) to a name means the proxy wants it now, even if we sent it before.
      if (add.length > 0) st.overrides ??= new Map();
      for (const n of add) {
        st.overrides!.set(n, null);
        st.reportedUnknown?.delete(n);
      }
      if (add.length > 0) st.mustAnswer = true;
    }
    this.flush();
  }

  /**
   * The proxy answered `sent` (of `type`; VHDS counts as rds, its hosts in VHDS_SCOPE): an
   * ACK, or a NACK with Envoy's error. A NACK stands in status until each resource it rejected
   * (for CDS and LDS those Envoy's message names, see rejectedNames) is settled: ACKed in a
   * later response (a newer version, or its removal), or unsubscribed.
   */
  #answered(type: XdsType, sent: SentResponse, error: RpcStatus | null, scope: string): void {
    if (isNack(error)) {
      // We keep assuming the proxy holds what we sent, so the rejected versions are not
      // sent again; a newer version of those resources will be.
      const info = this.recordNack(type, sent.version, error.message);
      if (info) {
        this.#rejected ??= new Map();
        let rejected = this.#rejected.get(type);
        if (!rejected) this.#rejected.set(type, (rejected = new Rejections()));
        const named = rejectedNames(type, error.message, sent.names, sent.removed);
        rejected.reject(info, named.names, named.removed, scope);
      }
    } else {
      this.ctx.metrics.acks[type]++;
      noteAck(this.statusEntry?.types[type], sent.version);
      const status = this.statusEntry?.types[type];
      if (status) this.#rejected?.get(type)?.settle(status, sent.names, sent.removed, scope);
    }
  }

  /** `names` (and every resource under `tables`/, VHDS hosts) are no longer asked for. */
  #settle(type: XdsType, names: readonly string[], scope: string, tables: readonly string[] | null): void {
    const status = this.statusEntry?.types[type];
    const rejected = this.#rejected?.get(type);
    if (!status || !rejected) return;
    if (names.length > 0) rejected.settle(status, names, [], scope);
    if (tables) rejected.settleUnder(status, tables, scope);
  }

  flush(): void {
    const served = this.servable();
    if (!served) return;
    // VHDS proxies are served from the derived snapshot: route tables without their hosts.
    const vhds = this.#vhds ? vhdsSnapshot(served.snapshot) : undefined;
    const active = vhds ? { ...served, snapshot: vhds.snapshot } : served;
    const view = this.viewFor(active);
    for (const type of XDS_TYPES) {
      const st = this.#types.get(type);
      if (!st) continue;
      const target = viewEntries(view, type);
      const overrides = st.overrides !== null && st.overrides.size > 0 ? st.overrides : null;
      if (st.base === target && overrides === null && st.forced === null && !st.mustAnswer) continue;

      const names = st.wildcard ? null : st.names;
      const shared = this.ctx.cache.sharedDelta(active.snapshot, st.base, target, names, st.forced);
      const diff =
        overrides === null
          ? shared
          : this.ctx.cache.withOverrides(active.snapshot, shared, target, names, overrides, (name) => {
              st.reportedUnknown ??= new Set();
              if (st.reportedUnknown.has(name)) return false;
              st.reportedUnknown.add(name);
              return true;
            }, st.forced);
      st.base = target;
      st.overrides = null;
      st.forced = null;
      if (diff.updatedNames.length === 0 && diff.removedNames.length === 0 && !st.mustAnswer) continue;

      // The cached response carries the version string: every stream keeps the same one.
      const { message, nonce, version } = this.ctx.cache.deltaMessage(diff, sotwVersion(active.generation, view, type), type);
      this.send(type, message);
      noteSent(st, { nonce, version, names: diff.updatedNames, removed: diff.removedNames });
      st.mustAnswer = false;
      const typeStatus = this.statusEntry?.types[type];
      if (typeStatus) typeStatus.sent = version;

      if (type === 'cds' && diff.updatedNames.length > 0) {
        // Updated clusters warm until their endpoints arrive: send their EDS right after.
        const eds = this.#types.get('eds');
        if (eds) eds.forced = sharedNameSet(diff.updatedNames);
      }
      // A route table Envoy takes starts watching its hosts then: they follow it, all of them.
      if (type === 'rds' && this.#vhds && diff.updatedNames.length > 0) this.#vhds.tablesSent(diff.updatedNames);
    }
    // After RDS: a host may name a cluster sent just above (make-before-break), and belongs
    // to a table the proxy must hold before the host arrives.
    if (vhds && this.#vhds) {
      const version = sotwVersion(active.generation, view, 'rds');
      const rds = this.#types.get('rds');
      const rdsTables = !rds ? EMPTY_NAMES : rds.wildcard ? null : rds.names;
      this.#vhds.flush(vhds, view, version, (m) => this.send('rds', m), this.statusEntry?.types.rds, rdsTables);
    }
  }
}
