// Istio front end: YAML files → validated resources → cross-resource checks → MeshIR.
// Stages, each pure and deterministic (inputs arrive sorted from the loader; every list
// built here is sorted by name before it leaves):
//   1. loadResources (src/compile/parse): YAML, schemas, per-resource rules.
//   2. registry (Services + ServiceEntries), DestinationRule and Gateway indexes.
//   3. cross-resource checks (checks/*): diagnostics only.
//   4. views (sidecar per namespace scope, gRPC beside each sidecar view when the mesh has gRPC
//      ports, one per Gateway selector) and the clusters they reference.
// Views share IR objects wherever their content is identical (sidecar-plan.ts: virtual hosts,
// routes, cluster name lists; cluster-policy.ts: cluster policy objects), so the xDS side can
// encode each object once. The IR is returned only when no stage found an error.
import { hasErrors, type Diagnostic } from '../../core/diagnostics.ts';
import type { SourceFile } from '../../ingest/source-bundle.ts';
import type { IrCluster, IrEndpointSet, IrView, MeshIR } from '../ir/types.ts';
import { loadResources, type LoadedResources } from '../parse/load-resources.ts';
import type { CheckContext } from './checks/context.ts';
import { checkDestinations } from './checks/destinations.ts';
import { droppedIndex } from './checks/dropped.ts';
import { checkGateways } from './checks/gateways.ts';
import { checkPassthroughRoutes } from './checks/passthrough-routes.ts';
import { checkHttpPorts } from './checks/http-ports.ts';
import { checkSubsetEndpoints } from './checks/subset-endpoints.ts';
import { checkRuleNames } from './checks/rule-names.ts';
import { checkRuleOrder } from './checks/rule-order.ts';
import { checkVirtualServiceConflicts } from './checks/virtual-service-conflicts.ts';
import { clusterCatalog } from './cluster-catalog.ts';
import { buildCluster, clusterContext, clusterPolicyOf } from './clusters.ts';
import { isConsistentHash } from '../ir/load-balancer.ts';
import { indexDestinationRules } from './from-destination-rule.ts';
import { gatewayView, indexGateways } from './from-gateway.ts';
import { groupGateways } from './gateway-groups.ts';
import { grpcViews, grpcVirtualHostNames } from './grpc-views.ts';
import { fromKubeService } from './from-kube-service.ts';
import { fromServiceEntry } from './from-service-entry.ts';
import type { RouteCache, RouteContext } from './from-virtual-service.ts';
import { buildRegistry, type RegistryService } from './registry.ts';
import { settingsFrom } from './settings.ts';
import { sidecarShared } from './sidecar-plan.ts';
import { reportTcpConflicts } from './tcp-listeners.ts';
import { meshVirtualServices, sidecarDrafts, sidecarNamespaces } from './views.ts';
import { cmp } from './where.ts';

export interface FrontEndResult {
  readonly ir?: MeshIR;
  readonly diagnostics: readonly Diagnostic[];
}

export function buildIr(files: readonly SourceFile[]): FrontEndResult {
  const loaded = loadResources(files);
  return buildIrFromResources(loaded.resources, loaded.diagnostics);
}

/**
 * Stages 2–4 over already loaded resources (the loader's diagnostics are carried along).
 * `walkEveryView`: build every namespace's sidecar view in full, never from the default view
 * (views.ts sidecarDrafts); the same IR either way, which a test checks.
 */
export function buildIrFromResources(res: LoadedResources, loadDiagnostics: readonly Diagnostic[], walkEveryView = false): FrontEndResult {
  const diagnostics: Diagnostic[] = [...loadDiagnostics];
  const settings = settingsFrom(res.meshConfig?.spec);
  const domain = settings.ir.clusterDomain;

  const entries: RegistryService[] = [
    ...res.services.map((s) => fromKubeService(s, domain, diagnostics)),
    ...res.serviceEntries.flatMap((se) => fromServiceEntry(se)),
  ];
  const registry = buildRegistry(entries, domain, diagnostics);
  const drs = indexDestinationRules(res.destinationRules, registry.resolve, diagnostics);
  const gateways = indexGateways(res.gateways, res.services, diagnostics);
  const gatewayGroups = groupGateways(gateways, diagnostics);
  const meshVss = meshVirtualServices(res.virtualServices, registry);
  const namespaces = sidecarNamespaces(registry, meshVss, domain);

  const dropped = droppedIndex(res.dropped, registry, domain, diagnostics);
  const ctx: CheckContext = { settings, resources: res, registry, drs, gateways, gatewayGroups, diagnostics, dropped };
  checkDestinations(ctx);
  checkRuleOrder(ctx);
  checkRuleNames(ctx);
  checkGateways(ctx);
  checkHttpPorts(ctx, meshVss);
  checkSubsetEndpoints(ctx);
  checkVirtualServiceConflicts(ctx, meshVss, namespaces);
  if (hasErrors(diagnostics)) return { diagnostics };

  const cache: RouteCache = new Map();
  const catalog = clusterCatalog();
  // One policy conversion per compile, shared by the routes (which ask whether a destination
  // hashes consistently) and the clusters.
  const clusterCtx = clusterContext(settings, registry, drs);
  const hashesConsistently = (id: number): boolean => isConsistentHash(clusterPolicyOf(catalog.ref(id), clusterCtx).loadBalancer);
  const routeContext = (): RouteContext => ({ settings, registry, catalog, clusters: catalog.collector(), cache, hashesConsistently });
  const shared = sidecarShared(routeContext(), drs, meshVss, catalog, diagnostics);
  const drafts = sidecarDrafts(namespaces, shared, !walkEveryView);
  reportTcpConflicts(shared);
  const gatewayDrafts = gatewayGroups.map((group) => {
    const rc = routeContext();
    return { view: gatewayView(group, res.virtualServices, rc, diagnostics), clusters: rc.clusters };
  });
  // Cluster names are sorted once for every view; views that reach every cluster share one list.
  const sorted = catalog.sorted();
  const sidecarViews: IrView[] = drafts.map((d) => ({ ...d.view, clusterNames: sorted.namesOf(d.clusters) }));
  const gatewayViews: IrView[] = gatewayDrafts.map((d) => ({ ...d.view, clusterNames: sorted.namesOf(d.clusters) }));
  // gRPC views reuse the sidecar views' virtual hosts, so they reference no new cluster.
  const views = [...sidecarViews, ...grpcViews(sidecarViews, grpcVirtualHostNames(registry), diagnostics), ...gatewayViews];

  const clusters: IrCluster[] = [];
  const endpoints: IrEndpointSet[] = [];
  for (let i = 0; i < sorted.refs.length; i++) {
    const built = buildCluster(sorted.refs[i]!, clusterCtx, sorted.names[i]);
    clusters.push(built.cluster);
    if (built.endpoints) endpoints.push(built.endpoints);
  }
  const ir: MeshIR = {
    settings: settings.ir,
    clusters,
    endpoints,
    views: views.sort((a, b) => cmp(a.name, b.name)),
  };
  checkPassthroughRoutes(ir, registry, diagnostics);
  return { ir, diagnostics };
}
