// The deprecated Envoy fields meshlog still writes on purpose, each with the reason; any other
// deprecated field Envoy warns about in a compiled config fails the tests that load one
// (a deprecated field is removed from Envoy some release later).

/** Field (as Envoy's warning names it) → why meshlog keeps writing it. */
export const KEPT_DEPRECATED_FIELDS: ReadonlyMap<string, string> = new Map([
  [
    'envoy.config.route.v3.RouteAction.max_grpc_timeout',
    "its successor, max_stream_duration, switches the route to Envoy's stream-duration timeouts: the route `timeout` is then ignored, " +
      'and expressing it as max_stream_duration changes what a timed-out request gets; istiod keeps the field too (src/compile/xds/route-timeout.ts)',
  ],
]);

/** The deprecated fields in `fields` meshlog does not mean to write. */
export function unexpectedDeprecations(fields: readonly string[]): string[] {
  return fields.filter((f) => !KEPT_DEPRECATED_FIELDS.has(f));
}
