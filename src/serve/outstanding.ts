// Delta responses a stream sent and the proxy has not answered yet. In incremental xDS each
// response carries its own subset of resources, so a later response does not supersede an
// earlier one: a proxy may ACK or NACK a response after the next one went out, and that
// answer still says what became of the resources it carried. Per stream and type we keep
// the unanswered ones (normally none or one) with what they carried; a reply to a nonce
// not in the list (never sent on this stream, or answered already) is stale.
//
// The list lives on the stream's own per-type state (`outstanding`), null when empty, so
// an idle stream in step with its proxy pays one null field per type for it.

export interface SentResponse {
  readonly nonce: string;
  readonly version: string;
  /**
   * The resources the response updated, and those it removed: two lists, as the diff a stream
   * sends them from is shared by every stream of the view (no per-push concatenation).
   */
  readonly names: readonly string[];
  readonly removed: readonly string[];
}

export interface AwaitsAnswers {
  outstanding: SentResponse[] | null;
}

/**
 * Unanswered responses kept per stream and type. A proxy answers each response in order, so
 * more only pile up while it is stuck; past the bound the oldest is forgotten (a reply to it
 * then counts as stale).
 */
export const MAX_OUTSTANDING = 16;

export function noteSent(state: AwaitsAnswers, sent: SentResponse): void {
  const list = (state.outstanding ??= []);
  list.push(sent);
  if (list.length > MAX_OUTSTANDING) list.shift();
}

/**
 * The response a reply with `nonce` answers, taken off the list; undefined when the nonce is
 * stale. Nonces derive from content, so the same one may be outstanding twice (the same bytes
 * sent twice): each reply answers one of them.
 */
export function takeAnswered(state: AwaitsAnswers, nonce: string): SentResponse | undefined {
  const list = state.outstanding;
  if (!list) return undefined;
  const i = list.findIndex((s) => s.nonce === nonce);
  if (i < 0) return undefined;
  const [sent] = list.splice(i, 1);
  if (list.length === 0) state.outstanding = null;
  return sent;
}
