// Gateway HTTPS servers that terminate TLS at the gateway (`tls.mode: SIMPLE` with the
// certificate and key mounted as files), and the filter chains their port's listener gets.
//
// Envoy picks a listener's filter chain by the client's SNI: each chain lists the names it
// answers (`server_names`), and a chain with no names answers any name, including none. Two
// chains with the same name, or two with none, make Envoy refuse the whole listener, so each
// name goes to the first server (in Gateway order) that lists it, and later servers are told
// (ML4027). Istio's `credentialName` (a Kubernetes Secret delivered over SDS) is not served.
import { diagnostic } from '../../core/diagnostic-codes/index.ts';
import type { Diagnostic } from '../../core/diagnostics.ts';
import type { IrTlsChain, IrTlsVersion } from '../ir/types.ts';
import type { GatewayServer as GatewayServerSpec } from '../schema/index.ts';
import type { GatewayServer, LoadedGateway } from './from-gateway.ts';
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
  if (protocol !== 'HTTPS' || tls === undefined) return { reason: `only plain HTTP servers and HTTPS servers with tls.mode SIMPLE are compiled` };
  const mode = tls.mode ?? 'PASSTHROUGH'; // Istio's default mode
  if (mode !== 'SIMPLE') return { reason: `tls.mode ${mode} is not compiled yet (only SIMPLE is)` };
  if (tls.credentialName !== undefined && tls.credentialName !== '') {
    return {
      reason:
        `its certificate comes from credentialName "${tls.credentialName}", a Kubernetes Secret that Istio delivers over SDS, which meshlog does not serve yet; ` +
        'mount the certificate and key into the gateway and set serverCertificate and privateKey instead',
    };
  }
  if (!tls.serverCertificate || !tls.privateKey) return {}; // ML3020
  return {
    tls: {
      certificateChainFile: tls.serverCertificate,
      privateKeyFile: tls.privateKey,
      // Istio's gateways refuse TLS below 1.2 unless told otherwise.
      minVersion: VERSIONS[tls.minProtocolVersion ?? 'TLSV1_2'] ?? 'TLSv1_2',
      maxVersion: VERSIONS[tls.maxProtocolVersion ?? 'TLS_AUTO'] ?? 'TLS_AUTO',
      cipherSuites: (tls.cipherSuites ?? []).filter(isEnvoyCipherSuite), // others: ML3045
    },
  };
}

/** By port, the filter chains of the Gateway's compiled HTTPS servers (ports with none are absent). */
export function tlsChains(gw: LoadedGateway, servers: readonly GatewayServer[], diagnostics: Diagnostic[]): Map<number, IrTlsChain[]> {
  const out = new Map<number, IrTlsChain[]>();
  // By port: SNI name ('' for "any name") → the server index that has it.
  const claimed = new Map<number, Map<string, number>>();
  for (const server of servers) {
    if (!server.supported || !server.tls) continue;
    let owners = claimed.get(server.port);
    if (!owners) claimed.set(server.port, (owners = new Map()));
    const wanted = serverNamesOf(server);
    const kept: string[] = [];
    const lost: { name: string; owner: number }[] = [];
    for (const name of wanted) {
      const owner = owners.get(name);
      if (owner === undefined) {
        owners.set(name, server.index);
        kept.push(name);
      } else lost.push({ name, owner });
    }
    for (const [owner, names] of groupByOwner(lost)) {
      const what = names.map((n) => (n === '' ? 'any other name (host *)' : n)).join(', ');
      diagnostics.push(
        diagnostic(
          'ML4027',
          `HTTPS server on port ${server.port} does not get TLS connections for ${what}: spec.servers[${owner}] lists ${names.length > 1 ? 'them' : 'it'} first, so its certificate is used; requests are still routed by this server's hosts`,
          at(gw, ['spec', 'servers', server.index, 'hosts', hostIndex(server, names[0]!)]),
        ),
      );
    }
    if (kept.length === 0) continue; // every name went to earlier servers: no chain of its own
    const chains = out.get(server.port) ?? [];
    // A server with host `*` answers any name: its chain lists none (its other hosts are
    // covered, and stay claimed so a later server does not list them either).
    chains.push({ serverNames: kept.includes('') ? [] : kept.sort(), ...server.tls });
    out.set(server.port, chains);
  }
  return out;
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

function groupByOwner(lost: readonly { name: string; owner: number }[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const { name, owner } of lost) out.set(owner, [...(out.get(owner) ?? []), name]);
  return out;
}
