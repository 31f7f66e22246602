// One state-of-the-world ADS stream. Per type we remember what the proxy asked for and
// what we last sent; on every request or snapshot we send, in ADS order (CDS, EDS, LDS,
// RDS), each type whose content for this proxy differs from what it was sent.
import { XDS_TYPES, xdsTypeOfUrl, type XdsType } from '../snapshot/types.ts';
import { isNack } from './codec.ts';
import type { LazySotwRequest } from './sotw-request.ts';
import { nameSet, type NameSet } from './name-sets.ts';
import { AdsStreamBase } from './stream-base.ts';
import { generationOf } from './versions.ts';
import { noteAck } from './proxy-status.ts';

interface SotwTypeState {
  /** Requested names for RDS/EDS; null for LDS/CDS, which always get the full set. */
  names: NameSet | null;
  /** Digest of the raw name list last seen, to skip decoding unchanged lists (every ACK). */
  namesDigest: string | null;
  sentVersion: string | null;
  sentNonce: string | null;
  /**
   * Sends of `sentNonce` not answered yet (the same bytes may go out twice). Envoy repeats
   * the nonce in later requests that only change names: those are no second ACK.
   */
  unanswered: number;
  sentContentKey: string | null;
  /** Content NACKed by the proxy: never sent to it again (no resend loop). */
  parkedContentKey: string | null;
  /** The proxy asked in a way that needs an answer even if nothing changed. */
  mustAnswer: boolean;
}

/** Types whose SotW requests name resources; the others are always the full set. */
const NAMED_TYPES: ReadonlySet<XdsType> = new Set(['eds', 'rds']);

export class SotwStream extends AdsStreamBase {
  readonly #types = new Map<XdsType, SotwTypeState>();

  onRequest(req: LazySotwRequest): void {
    this.identify(req.node);
    const type = xdsTypeOfUrl(req.type_url);
    // Types we do not serve (secrets, runtime, ...) stay unanswered, as Envoy allows.
    if (!type) return;

    const gen = generationOf(req.version_info);
    if (gen > this.heldUntil) this.heldUntil = gen;

    let st = this.#types.get(type);
    const nonce = req.response_nonce;
    // Only a nonce we issued on this stream can be stale; a foreign one (a nonce from a
    // previous server, before we answered anything) counts as a fresh subscription.
    const ours = st?.sentNonce != null;
    if (nonce !== '' && ours && nonce !== st!.sentNonce) {
      // A reply to a response that has since been superseded: the proxy will answer the
      // newer one too, so this one carries nothing we should act on.
      this.ctx.metrics.staleNonces++;
      return;
    }
    if (!st) {
      st = { names: null, namesDigest: null, sentVersion: null, sentNonce: null, unanswered: 0, sentContentKey: null, parkedContentKey: null, mustAnswer: true };
      this.#types.set(type, st);
    }
    const typeStatus = this.statusEntry?.types[type];
    if (nonce === '' || !ours) {
      // A new subscription (first request, or a reconnect): always answer it.
      st.mustAnswer = true;
    } else if (st.unanswered > 0) {
      // The reply to our latest response (one per time it was sent). Envoy repeats the nonce
      // in later requests that only change resource names: those answer nothing again.
      st.unanswered--;
      if (isNack(req.error_detail)) {
        st.parkedContentKey = st.sentContentKey;
        this.recordNack(type, st.sentVersion, req.error_detail.message);
      } else if (req.version_info === st.sentVersion) {
        // An ACK names the version it accepted.
        this.ctx.metrics.acks[type]++;
        noteAck(typeStatus, st.sentVersion, true);
      }
    }

    if (NAMED_TYPES.has(type) && req.namesDigest !== st.namesDigest) {
      st.namesDigest = req.namesDigest;
      const names = nameSet(req.resource_names);
      if (names !== st.names) {
        // Any change of the name set (including re-adding a name) is answered.
        st.names = names;
        st.mustAnswer = true;
      }
    }
    this.flush();
  }

  flush(): void {
    const active = this.servable();
    if (!active) return;
    const view = this.viewFor(active);
    for (const type of XDS_TYPES) {
      const st = this.#types.get(type);
      if (!st) continue;
      const built = this.ctx.cache.sotw(active, view, type, st.names);
      // Content, not version, decides: a new activation that leaves this type unchanged
      // for this proxy costs it nothing (its version string keeps the older generation).
      const changed = built.contentKey !== st.sentContentKey;
      if (!changed && !st.mustAnswer) continue;
      if (built.contentKey === st.parkedContentKey) {
        st.mustAnswer = false;
        continue;
      }
      this.send(type, built.message);
      st.unanswered = built.nonce === st.sentNonce ? st.unanswered + 1 : 1;
      st.sentVersion = built.version;
      st.sentNonce = built.nonce;
      st.sentContentKey = built.contentKey;
      st.mustAnswer = false;
      const typeStatus = this.statusEntry?.types[type];
      if (typeStatus) typeStatus.sent = built.version;
      if (type === 'cds') {
        // Clusters that changed are warming and only finish when EDS arrives, even if
        // their endpoints did not change: answer EDS right after every CDS push.
        const eds = this.#types.get('eds');
        if (eds) eds.mustAnswer = true;
      }
    }
  }
}

