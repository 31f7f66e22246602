// The runtime every bootstrap meshlog writes gives Envoy. Envoy rejects any regex whose RE2
// "program size" exceeds the runtime key `re2.max_program_size.error_level`, which defaults
// to 100: ordinary route regexes such as `^/api/v[0-9]+/users/[a-zA-Z0-9]{1,64}$` (size
// ~200) would be refused although Istio accepts them. Istio's own proxies run with 32768;
// meshlog uses the same limit, so a regex the compiler accepts also loads in Envoy.
// The admin layer keeps `/runtime_modify` working, as with Envoy's default runtime.
import type { Json } from './proto-json.ts';

/** The RE2 program size limit meshlog's bootstraps set (Istio's value). */
export const RE2_MAX_PROGRAM_SIZE = 32768;

/** `layered_runtime` for a bootstrap: a static layer with meshlog's keys, then the admin layer. */
export function bootstrapRuntime(): { [key: string]: Json } {
  return {
    layers: [
      { name: 'meshlog', static_layer: { 're2.max_program_size.error_level': RE2_MAX_PROGRAM_SIZE } },
      { name: 'admin', admin_layer: {} },
    ],
  };
}
