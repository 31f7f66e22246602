// A snapshot view as a self-contained, static Envoy bootstrap: the view's listeners with
// their route tables inlined (RDS → route_config) and its clusters with their endpoints
// inlined (EDS → STATIC with load_assignment). `meshlog compile --bootstrap-dir` writes
// one per view; the real-Envoy tests run exactly these. The result is proto3 JSON data,
// which Envoy reads as a JSON or YAML bootstrap file (`envoy -c file.json`).
import type { Snapshot } from '../snapshot/types.ts';
import { MESSAGE_NAMES } from '../snapshot/types.ts';
import { bootstrapRuntime } from './bootstrap-runtime.ts';
import { decodeToJson, type Json } from './proto-json.ts';

type JsonObject = { [key: string]: Json };

const DOWNSTREAM_TLS_TYPE_URL = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext';
const UPSTREAM_TLS_TYPE_URL = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext';

const HCM_TYPE_URL =
  'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';

export interface StaticBootstrapOptions {
  /** Admin interface address (default 127.0.0.1). */
  readonly adminAddress?: string;
  /** Admin interface port (default 15000; 0 lets the OS choose). */
  readonly adminPort?: number;
  /** node.id (default `meshlog~<view name>`); node.cluster is always the view name. */
  readonly nodeId?: string;
  /** Bind every listener to this address instead of the compiled one (tests use 127.0.0.1). */
  readonly listenerAddress?: string;
  /** Listener name → port to bind instead of the compiled one (0 lets the OS choose). */
  readonly listenerPorts?: Readonly<Record<string, number>>;
  /**
   * Files to name instead of the certificate, key and client-CA files of gateway HTTPS listeners,
   * and the CA bundles clusters originating TLS check servers against. Envoy reads them even to
   * validate, and the machine checking a view (CI) rarely has the proxies' files. Called only
   * when a view names such files, once per file it replaces:
   * the caller makes it cheap to call again (src/verify/stand-in-certificate.ts memoises).
   */
  readonly tlsFiles?: () => TlsFiles;
  /**
   * Leave the clusters (and so the endpoints) out: only the listeners and their route tables,
   * which Envoy loads without them (route tables say validate_clusters false). For checking a
   * view whose clusters were checked in another view (src/verify/envoy-verify.ts).
   */
  readonly withoutClusters?: boolean;
}

export interface TlsFiles {
  readonly certificateChain: string;
  readonly privateKey: string;
}

/** The static bootstrap for view `viewName`. Throws if the snapshot has no such view (a caller bug). */
export function staticBootstrap(snapshot: Snapshot, viewName: string, opts: StaticBootstrapOptions = {}): JsonObject {
  const view = snapshot.views.find((v) => v.name === viewName);
  if (!view) throw new Error(`staticBootstrap: no view named ${viewName}`);
  const decode = (hash: string, type: keyof typeof MESSAGE_NAMES): JsonObject => {
    const r = snapshot.resources.get(hash);
    if (!r) throw new Error(`staticBootstrap: resource ${hash} missing from the snapshot`);
    return decodeToJson(MESSAGE_NAMES[type], r.bytes);
  };
  const routes = new Map(view.resources.rds.map((e) => [e.name, decode(e.hash, 'rds')]));
  const endpoints = new Map(opts.withoutClusters ? [] : view.resources.eds.map((e) => [e.name, decode(e.hash, 'eds')]));

  // API listeners (gRPC views) are left out: only gRPC's own xDS client runs them, and Envoy
  // 1.40 refuses them ("missing the API listener extension"). Such a view's route tables hold
  // the sidecar views' virtual hosts, checked there; its clusters and endpoints stay here.
  const listeners = view.resources.lds
    .map((e) => decode(e.hash, 'lds'))
    .filter((l) => l.api_listener === undefined)
    .map((l) => inlineRoutes(l, routes, opts))
    .map((l) => (opts.tlsFiles ? replaceTlsFiles(l, opts.tlsFiles) : l));
  const clusters = opts.withoutClusters
    ? []
    : view.resources.cds.map((e) => inlineEndpoints(decode(e.hash, 'cds'), endpoints)).map((c) => (opts.tlsFiles ? replaceUpstreamCa(c, opts.tlsFiles) : c));
  return {
    node: { id: opts.nodeId ?? `meshlog~${view.name}`, cluster: view.name },
    admin: {
      address: { socket_address: { address: opts.adminAddress ?? '127.0.0.1', port_value: opts.adminPort ?? 15000 } },
    },
    static_resources: { listeners, clusters },
    layered_runtime: bootstrapRuntime(),
  };
}

function inlineRoutes(listener: JsonObject, routes: ReadonlyMap<string, JsonObject>, opts: StaticBootstrapOptions): JsonObject {
  const name = String(listener.name);
  const socket = ((listener.address as JsonObject | undefined)?.socket_address ?? {}) as JsonObject;
  if (opts.listenerAddress !== undefined) socket.address = opts.listenerAddress;
  const port = opts.listenerPorts?.[name];
  if (port !== undefined) socket.port_value = port;
  for (const chain of (listener.filter_chains ?? []) as JsonObject[]) {
    for (const filter of (chain.filters ?? []) as JsonObject[]) {
      const hcm = filter.typed_config as JsonObject | undefined;
      if (!hcm || hcm['@type'] !== HCM_TYPE_URL || !hcm.rds) continue;
      const tableName = String((hcm.rds as JsonObject).route_config_name);
      // An absent table would be a consistency bug; an empty one keeps the file loadable.
      const table = routes.get(tableName) ?? { name: tableName };
      filter.typed_config = replaceKey(hcm, 'rds', 'route_config', table);
    }
  }
  return listener;
}

function inlineEndpoints(cluster: JsonObject, endpoints: ReadonlyMap<string, JsonObject>): JsonObject {
  if (cluster.type !== 'EDS') return cluster;
  const name = String(cluster.name);
  const assignment = endpoints.get(name) ?? { cluster_name: name };
  const out = replaceKey(cluster, 'eds_cluster_config', 'load_assignment', assignment);
  out.type = 'STATIC';
  return out;
}

/** Points every certificate, key and client-CA file of the listener's TLS filter chains at the stand-ins. */
function replaceTlsFiles(listener: JsonObject, files: () => TlsFiles): JsonObject {
  for (const chain of (listener.filter_chains ?? []) as JsonObject[]) {
    const context = (chain.transport_socket as JsonObject | undefined)?.typed_config as JsonObject | undefined;
    if (context?.['@type'] !== DOWNSTREAM_TLS_TYPE_URL) continue;
    const common = (context.common_tls_context ?? {}) as JsonObject;
    for (const cert of (common.tls_certificates ?? []) as JsonObject[]) {
      if (cert.certificate_chain) cert.certificate_chain = { filename: files().certificateChain };
      if (cert.private_key) cert.private_key = { filename: files().privateKey };
    }
    // MUTUAL servers' client CAs: Envoy loads them too; the stand-in certificate is a valid bundle.
    const validation = common.validation_context as JsonObject | undefined;
    if (validation?.trusted_ca) validation.trusted_ca = { filename: files().certificateChain };
  }
  return listener;
}

/** Points a cluster's upstream TLS CA bundle (its own, or the proxy's system bundle) at the stand-in. */
function replaceUpstreamCa(cluster: JsonObject, files: () => TlsFiles): JsonObject {
  const context = (cluster.transport_socket as JsonObject | undefined)?.typed_config as JsonObject | undefined;
  if (context?.['@type'] !== UPSTREAM_TLS_TYPE_URL) return cluster;
  const validation = (context.common_tls_context as JsonObject | undefined)?.validation_context as JsonObject | undefined;
  if (validation?.trusted_ca) validation.trusted_ca = { filename: files().certificateChain };
  return cluster;
}

/** Copies `obj` with `oldKey` replaced by `newKey: value` at the same position (stable output). */
function replaceKey(obj: JsonObject, oldKey: string, newKey: string, value: Json): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === oldKey) out[newKey] = value;
    else out[k] = v;
  }
  if (!(newKey in out)) out[newKey] = value;
  return out;
}
