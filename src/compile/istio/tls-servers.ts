// Gateway HTTPS servers that terminate TLS at the gateway (`tls.mode: SIMPLE`, or `MUTUAL` and
// `OPTIONAL_MUTUAL`, which also verify client certificates; the certificate, key and client CAs
// mounted as files), and the filter chains their port's listener gets.
//
// Envoy picks a listener's filter chain by the client's SNI: each chain lists the names it
// answers (`server_names`), and a chain with no names answers any name, including none. Two
// chains with the same name, or two with none, make Envoy refuse the whole listener (see
// planTls for how servers that share a host are settled). Istio's `credentialName` (a
// Kubernetes Secret delivered over SDS) is not served.
import { diagnostic } from '../../core/diagnostic-codes/index.ts';
import type { Diagnostic } from '../../core/diagnostics.ts';
import type { IrClientCertificates, IrTlsChain, IrTlsVersion } from '../ir/types.ts';
import type { GatewayServer as GatewayServerSpec } from '../schema/index.ts';
import type { GatewayServer, LoadedGateway } from './from-gateway.ts';
import { serverPortText } from './gateway-service-ports.ts';
import { isEnvoyCipherSuite } from '../validate/tls-ciphers.ts';
import { at } from './where.ts';

/** A chain before its SNI names are settled: what the server's `tls` says. */
export type TlsTermination = Omit<IrTlsChain, 'serverNames'>;

/** Istio's TLS version names → Envoy's. */
const VERSIONS: Readonly<Record<string, IrTlsVersion>> = {
  TLS_AUTO: 'TLS_AUTO',
  TLSV1_0: 'TLSv1_0',
  TLSV1_1: 'TLSv1_1',
  TLSV1_2: 'TLSv1_2',
  TLSV1_3: 'TLSv1_3',
};

/**
 * How a server that is not plain HTTP terminates TLS, or why it is not compiled (`reason`,
 * for ML4018). Neither: validation reports the server (a SIMPLE server without its files).
 */
export function serverTermination(server: GatewayServerSpec, protocol: string): { readonly tls?: TlsTermination; readonly reason?: string } {
  const tls = server.tls;
  if (protocol === 'TLS') return { reason: `a TLS server with tls.mode ${tls?.mode ?? 'PASSTHROUGH'} (terminating TLS, then proxying TCP) is not compiled yet; PASSTHROUGH is` };
  if (protocol !== 'HTTPS' || tls === undefined) return { reason: `${protocol} servers are not compiled yet (only HTTP and HTTPS are)` };
  const mode = tls.mode ?? 'PASSTHROUGH'; // Istio's default mode
  if (mode !== 'SIMPLE' && mode !== 'MUTUAL' && mode !== 'OPTIONAL_MUTUAL') {
    return { reason: `tls.mode ${mode} is not compiled yet (SIMPLE, MUTUAL and OPTIONAL_MUTUAL are)` };
  }
  if (tls.credentialName !== undefined && tls.credentialName !== '') {
    return {
      reason:
        `its certificate comes from credentialName "${tls.credentialName}", a Kubernetes Secret that Istio delivers over SDS, which meshlog does not serve yet; ` +
        `mount the certificate and key${mode === 'SIMPLE' ? '' : ' (and the CA certificates that sign client certificates)'} into the gateway and set serverCertificate and privateKey${mode === 'SIMPLE' ? '' : ' (and caCertificates)'} instead`,
    };
  }
  if (!tls.serverCertificate || !tls.privateKey) return {}; // ML3020
  const mutual = mode !== 'SIMPLE';
  if (mutual && !tls.caCertificates) return {}; // ML3020
  return {
    tls: {
      certificateChainFile: tls.serverCertificate,
      privateKeyFile: tls.privateKey,
      // Istio's gateways refuse TLS below 1.2 unless told otherwise.
      minVersion: VERSIONS[tls.minProtocolVersion ?? 'TLSV1_2'] ?? 'TLSv1_2',
      maxVersion: VERSIONS[tls.maxProtocolVersion ?? 'TLS_AUTO'] ?? 'TLS_AUTO',
      cipherSuites: (tls.cipherSuites ?? []).filter(isEnvoyCipherSuite), // others: ML3045
      ...(mutual
        ? {
            clientCertificates: {
              // OPTIONAL_MUTUAL with names or pins: Envoy cannot check them without a certificate,
              // so it refuses a client that sends none anyway (as with Istio); say so plainly.
              required: mode === 'MUTUAL' || (tls.subjectAltNames?.length ?? 0) + (tls.verifyCertificateSpki?.length ?? 0) + (tls.verifyCertificateHash?.length ?? 0) > 0,
              caCertificatesFile: tls.caCertificates!,
              subjectAltNames: [...(tls.subjectAltNames ?? [])],
              spki: [...(tls.verifyCertificateSpki ?? [])],
              hashes: [...(tls.verifyCertificateHash ?? [])],
            },
          }
        : {}),
    },
  };
}

/** The filter chains of the Gateway's compiled HTTPS servers, by port, and the servers left out. */
export interface TlsPlan {
  /** By port (ports without HTTPS servers are absent), in server order. */
  readonly chains: Map<number, IrTlsChain[]>;
  /** Indexes of HTTPS servers left out for a host an earlier server of their port lists (ML4027). */
  readonly skipped: ReadonlySet<number>;
}

/**
 * One name can select one certificate, so an HTTPS server listing a host that an earlier
 * server of its port lists is left out whole, as Istio leaves it out ("duplicate host
 * names"). A server's explicit names get a chain; its host `*` gets a chain without names
 * (same certificate), so another server's wildcard cannot take its explicit names: Envoy
 * tries exact names, then wildcards, and the chain without names last.
 */
export function planTls(gw: LoadedGateway, servers: readonly GatewayServer[], diagnostics: Diagnostic[]): TlsPlan {
  const chains = new Map<number, IrTlsChain[]>();
  const skipped = new Set<number>();
  // By port: SNI name ('' for "any name") → the server index that has it.
  const claimed = new Map<number, Map<string, number>>();
  for (const server of servers) {
    if (!server.supported || !server.tls) continue;
    let owners = claimed.get(server.port);
    if (!owners) claimed.set(server.port, (owners = new Map()));
    const names = serverNamesOf(server);
    const taken = names.filter((n) => owners.has(n));
    if (taken.length > 0) {
      skipped.add(server.index);
      const owner = owners.get(taken[0]!)!;
      const what = taken.map((n) => (n === '' ? '*' : n)).join(', ');
      diagnostics.push(
        diagnostic(
          'ML4027',
          `HTTPS server on port ${serverPortText(server)} is left out, as Istio leaves it out: spec.servers[${owner}] already lists ${what}, and one name can select only one certificate; remove the host from one of the servers`,
          at(gw, ['spec', 'servers', server.index, 'hosts', hostIndex(server, taken[0]!)]),
        ),
      );
      continue;
    }
    for (const n of names) owners.set(n, server.index);
    const list = chains.get(server.port) ?? [];
    const explicit = names.filter((n) => n !== '').sort();
    // Each chain knows its server's own table; gateway-groups.ts keeps it only where the port has
    // several HTTPS servers (a port's only server routes by the port's table).
    if (explicit.length > 0) list.push({ serverNames: explicit, ...server.tls, routeTableName: server.routeTable });
    if (names.includes('')) list.push({ serverNames: [], ...server.tls, routeTableName: server.routeTable });
    chains.set(server.port, list);
  }
  return { chains, skipped };
}

/** The SNI names a server answers: its hosts without namespace, once each; '' for `*` (any). */
function serverNamesOf(server: GatewayServer): string[] {
  const names = new Set<string>();
  for (const h of server.hosts) names.add(h.host === '*' ? '' : h.host);
  return [...names];
}

/** Where the server lists SNI name `name` ('' for `*`). */
function hostIndex(server: GatewayServer, name: string): number {
  return server.hosts.find((h) => (h.host === '*' ? '' : h.host) === name)?.index ?? 0;
}

/** What a server's TLS asks of clients, for ML4034. */
export function describeClientRule(c: IrClientCertificates | undefined): string {
  if (!c) return 'no certificate';
  return `${c.required ? 'a required' : 'an optional'} certificate from ${c.caCertificatesFile}${c.subjectAltNames.length > 0 ? ` naming ${c.subjectAltNames.join(' or ')}` : ''}${c.spki.length + c.hashes.length > 0 ? ' with pinned keys' : ''}`;
}
