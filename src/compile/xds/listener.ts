// IrListener → envoy.config.listener.v3.Listener: one HTTP connection manager whose route
// table comes over RDS on the ADS stream. A gateway listener for HTTPS servers terminates TLS:
// the TLS inspector reads the client's SNI, and one filter chain per server (each with its
// certificate) picks the connection by it; every chain runs the same connection manager.
// A sidecar TCP listener runs a TCP proxy per service instead: picked by SNI (without
// terminating TLS) for TLS and HTTPS services, the chain without names for a TCP service.
import type { IrClientCertificates, IrCluster, IrListener, IrTcpChain, IrTlsChain } from '../ir/types.ts';
import { httpFilters } from './http-filters.ts';
import { requestHandling } from './request-handling.ts';
import { adsConfigSource, anyOf, compact, duration, socketAddress, wrap, type ProtoObject } from './proto-values.ts';
import { subjectAltNameMatchers } from './subject-alt-names.ts';

const HCM_NAME = 'envoy.filters.network.http_connection_manager';
const HCM_TYPE = 'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const TLS_INSPECTOR_NAME = 'envoy.filters.listener.tls_inspector';
const TLS_INSPECTOR_TYPE = 'envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector';
const TLS_SOCKET_NAME = 'envoy.transport_sockets.tls';
const TCP_PROXY_NAME = 'envoy.filters.network.tcp_proxy';
const TCP_PROXY_TYPE = 'envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy';
const DOWNSTREAM_TLS_TYPE = 'envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext';

/** The IR cluster of a name: a TCP proxy takes its hash policy and timeouts from the clusters it sends to. */
export type ClusterOf = (name: string) => IrCluster | undefined;

export function buildListener(listener: IrListener, viewKind: 'sidecar' | 'gateway', clusterOf: ClusterOf = () => undefined): ProtoObject {
  if (listener.tcp && listener.routeTableName === '') return tcpListener(listener, listener.tcp, clusterOf);
  const handling = requestHandling(viewKind);
  const hcm: ProtoObject = {
    stat_prefix: listener.statPrefix,
    rds: { route_config_name: listener.routeTableName, config_source: adsConfigSource() },
    http_filters: httpFilters(),
    // A sidecar sees its own app as the peer, so the client address must come from
    // X-Forwarded-For; a gateway is the edge and trusts only the connection's address.
    // Path normalization as Istio's default. Both shared with explain (request-handling.ts).
    use_remote_address: wrap(handling.useRemoteAddress),
    normalize_path: wrap(handling.normalizePath),
    // WebSocket upgrades pass, as through Istio's proxies: without it Envoy answers them 403.
    upgrade_configs: [{ upgrade_type: 'websocket' }],
    // No idle limit on a stream (Envoy's default cuts one after 5 idle minutes: long polls,
    // server-sent events, quiet gRPC and WebSocket streams), as Istio sets it.
    stream_idle_timeout: duration(0),
    // What Istio's gateways answer with in the `server` header; sidecars keep Envoy's.
    ...(viewKind === 'gateway' ? { server_name: 'istio-envoy' } : {}),
    // Servers that verify client certificates tell the backend who the client is, as Istio's
    // gateways do: a client's own x-forwarded-client-cert is dropped, the verified one set.
    ...(listener.tls?.some((c) => c.clientCertificates)
      ? { forward_client_cert_details: 'SANITIZE_SET', set_current_client_cert_details: { subject: wrap(true), cert: true, uri: true, dns: true } }
      : {}),
  };
  const filters = [{ name: HCM_NAME, typed_config: anyOf(HCM_TYPE, hcm) }];
  if (listener.tcp && !listener.tls) {
    // TLS and HTTPS services that share this HTTP port: their chains take the connections whose
    // SNI names them; the connection manager takes the rest.
    return { ...tcpListener(listener, listener.tcp, clusterOf), filter_chains: [...sniFilterChains(listener.tcp, listener.port, clusterOf), { filters }] };
  }
  if (!listener.tls) {
    return { name: listener.name, address: socketAddress(listener.address, listener.port), filter_chains: [{ filters }] };
  }
  return {
    name: listener.name,
    address: socketAddress(listener.address, listener.port),
    listener_filters: [{ name: TLS_INSPECTOR_NAME, typed_config: anyOf(TLS_INSPECTOR_TYPE, {}) }],
    filter_chains: [
      ...listener.tls.map((chain) => ({
        ...(chain.serverNames.length > 0 ? { filter_chain_match: { server_names: [...chain.serverNames] } } : {}),
        transport_socket: { name: TLS_SOCKET_NAME, typed_config: anyOf(DOWNSTREAM_TLS_TYPE, downstreamTls(chain)) },
        // A server with a route table of its own (its port has several HTTPS servers).
        filters: chain.routeTableName ? [{ name: HCM_NAME, typed_config: anyOf(HCM_TYPE, { ...hcm, rds: { ...(hcm.rds as ProtoObject), route_config_name: chain.routeTableName } }) }] : filters,
      })),
      // Gateway TLS passthrough servers on the same port: the SNI name picks them too.
      ...sniFilterChains(listener.tcp ?? [], listener.port, clusterOf),
    ],
  };
}

function downstreamTls(chain: IrTlsChain): ProtoObject {
  const clients = chain.clientCertificates;
  return compact({
    common_tls_context: compact({
      tls_params: compact({
        tls_minimum_protocol_version: chain.minVersion,
        tls_maximum_protocol_version: chain.maxVersion === 'TLS_AUTO' ? undefined : chain.maxVersion,
        cipher_suites: chain.cipherSuites.length > 0 ? [...chain.cipherSuites] : undefined,
      }),
      tls_certificates: [{ certificate_chain: { filename: chain.certificateChainFile }, private_key: { filename: chain.privateKeyFile } }],
      validation_context: clients ? clientValidation(clients) : undefined,
      // HTTP/2 when the client offers it, as Istio's gateways do; the connection manager speaks both.
      alpn_protocols: ['h2', 'http/1.1'],
    }),
    // With a validation context Envoy asks every client for a certificate and checks any it gets;
    // MUTUAL also refuses a client that sends none.
    require_client_certificate: clients?.required ? wrap(true) : undefined,
  });
}

/** MUTUAL / OPTIONAL_MUTUAL: the CAs, and the names or pins a client certificate must carry. */
function clientValidation(clients: IrClientCertificates): ProtoObject {
  return compact({
    trusted_ca: { filename: clients.caCertificatesFile },
    match_typed_subject_alt_names: subjectAltNameMatchers(clients.subjectAltNames),
    verify_certificate_spki: clients.spki.length > 0 ? [...clients.spki] : undefined,
    verify_certificate_hash: clients.hashes.length > 0 ? [...clients.hashes] : undefined,
  });
}

function tcpListener(listener: IrListener, chains: readonly IrTcpChain[], clusterOf: ClusterOf): ProtoObject {
  const bySni = chains.some((c) => c.serverNames.length > 0);
  return {
    name: listener.name,
    address: socketAddress(listener.address, listener.port),
    // Reads the SNI name without terminating TLS; a connection that is not TLS falls through to
    // the chain without names. A client of a server-first protocol (MySQL, SMTP) sends nothing
    // until greeted, so the inspector gives up after a second and the connection goes on, there.
    ...(bySni
      ? {
          listener_filters: [{ name: TLS_INSPECTOR_NAME, typed_config: anyOf(TLS_INSPECTOR_TYPE, {}) }],
          listener_filters_timeout: { seconds: 1 },
          continue_on_listener_filters_timeout: true,
        }
      : {}),
    filter_chains: sniFilterChains(chains, listener.port, clusterOf),
  };
}

function sniFilterChains(chains: readonly IrTcpChain[], port: number, clusterOf: ClusterOf): ProtoObject[] {
  return chains.map((chain) => ({
    ...(chain.serverNames.length > 0 ? { filter_chain_match: { server_names: [...chain.serverNames] } } : {}),
    filters: [{ name: TCP_PROXY_NAME, typed_config: anyOf(TCP_PROXY_TYPE, tcpProxy(chain, port, clusterOf)) }],
  }));
}

function tcpProxy(chain: IrTcpChain, port: number, clusterOf: ClusterOf): ProtoObject {
  // A ring hash or Maglev cluster hashes what the proxy hands it: for a connection, only the
  // client's address can be (as Istio sets it); without it the cluster picks at random.
  const hash = chain.destinations.some((d) => hashesSourceIp(clusterOf(d.cluster))) ? { hash_policy: [{ source_ip: {} }] } : {};
  // Istio's stat prefix for a TCP proxy is the cluster it sends to; a split names the first
  // destination's service (its cluster without the subset).
  const [first] = chain.destinations;
  // One proxy, one set of timeouts: those of the first destination's DestinationRule, as Istio
  // takes them. Unset: Envoy's (idle: 1 hour).
  const set = first ? clusterOf(first.cluster)?.tcpProxy : undefined;
  const timeouts = {
    ...(set?.idleTimeoutMs !== undefined ? { idle_timeout: duration(set.idleTimeoutMs) } : {}),
    ...(set?.maxConnectionDurationMs !== undefined ? { max_downstream_connection_duration: duration(set.maxConnectionDurationMs) } : {}),
  };
  if (chain.destinations.length === 1 && first) return { stat_prefix: first.cluster, cluster: first.cluster, ...timeouts, ...hash };
  return {
    stat_prefix: first ? first.cluster.replace(/^(outbound\|\d+\|)[^|]*\|/, '$1|') : `outbound|${port}||${chain.host}`,
    weighted_clusters: { clusters: chain.destinations.map((d) => ({ name: d.cluster, weight: d.weight })) },
    ...timeouts,
    ...hash,
  };
}

/** The cluster picks its endpoint by a hash of the client's address (DestinationRule `consistentHash.useSourceIp`). */
function hashesSourceIp(cluster: IrCluster | undefined): boolean {
  return cluster !== undefined && 'hashOn' in cluster.loadBalancer && cluster.loadBalancer.hashOn?.kind === 'source_ip';
}
