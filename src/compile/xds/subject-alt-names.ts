// Istio's subjectAltNames carry no type: Istio hands them to Envoy as untyped matchers, which
// Envoy checks against every kind of name in a certificate. meshlog writes Envoy's typed form
// (the untyped one is deprecated), one matcher per kind for each name, to the same effect.
import type { ProtoObject } from './proto-values.ts';

const SAN_TYPES = ['DNS', 'URI', 'EMAIL', 'IP_ADDRESS'] as const;

/**
 * `match_typed_subject_alt_names` for names a certificate must carry one of: a DNS name, URI (a
 * SPIFFE identity, say), email or IP address equal to one of them counts. Undefined for none.
 */
export function subjectAltNameMatchers(names: readonly string[]): ProtoObject[] | undefined {
  if (names.length === 0) return undefined;
  return names.flatMap((name) => SAN_TYPES.map((type) => ({ san_type: type, matcher: { exact: name } })));
}
