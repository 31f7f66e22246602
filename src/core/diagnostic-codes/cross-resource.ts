// ML4xxx — Cross-resource checks (hosts, subsets, gateways, conflicts).
// Emitted by src/compile/istio. For a conflict between resources, one diagnostic is emitted
// per resource involved, each naming the other(s) in its message and in `related`.
import type { DiagnosticCodeInfo } from './types.ts';

export const CROSS_RESOURCE_CODES: readonly DiagnosticCodeInfo[] = [
  {
    code: 'ML4001',
    severity: 'warning',
    title: 'Destination host not in the service registry',
    description:
      'A route, mirror or DestinationRule names a host that no Kubernetes `Service` or `ServiceEntry` in the repository defines. ' +
      'It is a warning because the service may come from Kubernetes discovery at run time; meshlog still creates an (empty) EDS cluster for it. ' +
      'Set `strictHosts: true` in MeshConfig to make it an error (and ML4017, a VirtualService host without a service). Fix the spelling, or add the Service/ServiceEntry.',
  },
  {
    code: 'ML4002',
    severity: 'error',
    title: 'Destination port required',
    description:
      'The destination service has several ports, so it is not clear which one a route means. A VirtualService bound only to `mesh` is exempt when ' +
      'the destination has every port the VirtualService takes requests on (its hosts\' ports): sidecars then use the request\'s own port, as in Istio. ' +
      'Otherwise (a gateway route, or a port the destination lacks, where the request would find no cluster) add `destination.port.number`.',
  },
  {
    code: 'ML4003',
    severity: 'error',
    title: 'Destination port not a port of the service',
    description: '`destination.port.number` is not one of the ports the service declares. Istio accepts it (istioctl analyze reports it), and Envoy answers the requests the route takes with 503 (no cluster: clusters exist for declared ports only). Use one of the listed ports.',
  },
  {
    code: 'ML4004',
    severity: 'error',
    title: 'Subset not defined',
    description:
      'A route or mirror names a subset that no DestinationRule visible to it defines for that host. Envoy would answer 503 (no cluster). ' +
      'Add the subset to the DestinationRule for the host, or fix the name.',
  },
  {
    code: 'ML4005',
    severity: 'error',
    title: 'Gateway not found',
    description:
      'A VirtualService binds to a Gateway (`gateways: [ns/name]` or `[name]` in its own namespace) that does not exist in the repository. Istio accepts it (istioctl analyze reports it), and the VirtualService then applies to no proxy through that binding. ' +
      'Fix the reference, or add the Gateway; when a Gateway of that name exists in another namespace, the message names it as the reference to write (`<namespace>/<name>`). `mesh` means the sidecars.',
  },
  {
    code: 'ML4006',
    severity: 'error',
    title: 'Two VirtualServices for the same host',
    description:
      'Two VirtualServices define routes for the same host and are visible to the same sidecars. On sidecars Istio silently keeps only the oldest one; ' +
      'meshlog reports both. Merge their rules into one VirtualService, or narrow `exportTo`. (On a Gateway they are merged instead: ML4021.)',
  },
  {
    code: 'ML4007',
    severity: 'warning',
    title: 'Rule unreachable after a catch-all',
    description:
      'An earlier http rule matches every request (no match, or an empty match), so this rule is never used (meshlog, like Istio, builds no ' +
      'route for it). On a gateway host merged from several VirtualServices (ML4021): another VirtualService\'s catch-all, merged before it, ' +
      'makes this catch-all unused. Move the rule above the catch-all, or remove it.',
  },
  {
    code: 'ML4008',
    severity: 'warning',
    title: 'Duplicate or shadowed match',
    description:
      'Every request this match accepts is already accepted by an earlier match of the same VirtualService, or, on a gateway host ' +
      'merged from several VirtualServices (ML4021), by a match of one merged before it, so it never applies. The same for tcp rules (an ' +
      'earlier entry applying wherever this one does takes its connections) and tls rules (an SNI name goes to the first entry that ' +
      'applies: an entry whose names an earlier one takes, all or some, never applies or serves only the rest). Reorder the rules (most ' +
      'specific first) or remove the duplicate.',
  },
  {
    code: 'ML4009',
    severity: 'error',
    title: 'Two Gateways claim the same host and port',
    description:
      'Two Gateways with the same workload selector (so one view, ML4028) expose the same host on the same port and address (`bind`; ' +
      'servers with different binds are not compared, as in Istio: ML4018 covers them) to the VirtualServices of a common namespace. For plain HTTP, Istio would concatenate the routes both Gateways\' VirtualServices give the host, in ' +
      'creation order; for HTTPS it would leave the newer server out whole. A repository records no creation time, so meshlog asks for ' +
      'one Gateway to own each host and port. The `namespace/` part of a server host counts, as in Istio\'s analyzer (IST0145): ' +
      '`ns-1/*.example.com` and `ns-2/*.example.com` never expose the same VirtualService, so teams can share a wildcard on one ingress, ' +
      'each for its own namespace; `host` and `*/host` admit every namespace and `./host` the Gateway\'s own, so `*/host` next to ' +
      '`ns-1/host` still conflicts. Only plain HTTP servers (without `tls.httpsRedirect`) and TLS passthrough servers are told apart ' +
      'that way: an HTTPS server\'s certificate is picked by the SNI name, which has no namespace part, a redirect answers the host ' +
      'name whoever routes it, and a TCP port takes one route whole. Keep the host in one Gateway, or narrow each server to the ' +
      'namespace of its VirtualServices (`<namespace>/host`).',
  },
  {
    code: 'ML4010',
    severity: 'error',
    title: 'VirtualService host not exposed by its Gateways',
    description:
      'A VirtualService binds to Gateways, but none of their servers exposes this host (mind the `namespace/host` form of server hosts), ' +
      'so its routes never reach a gateway; or one of the bound Gateways exposes none of the VirtualService\'s hosts, so the binding does ' +
      'nothing (for a VirtualService also bound to `mesh`, only this is checked). A host only some of the bound Gateways expose is fine: as ' +
      'Istio does, each Gateway takes the hosts its servers expose. Add the host to a server of a Gateway, or remove the host or the binding.',
  },
  {
    code: 'ML4011',
    severity: 'warning',
    title: 'DestinationRules merged',
    description:
      'Several DestinationRules in the same namespace target the same host. As Istio does, meshlog merges their subsets; the top-level ' +
      '`trafficPolicy` of the first one (by name) that has one is used, whole, and the others\' are ignored. Prefer one DestinationRule per host.',
  },
  {
    code: 'ML4012',
    severity: 'error',
    title: 'Conflicting DestinationRules',
    description:
      'Several DestinationRules target the same host and cannot be merged: they are in different namespaces (Istio would apply a different one ' +
      'depending on the client\'s namespace, which meshlog\'s shared clusters cannot express), or both define the same subset, even identically (Istio keeps the oldest rule\'s copy; a repository records no creation time). Keep one DestinationRule per host.',
  },
  {
    code: 'ML4013',
    severity: 'warning',
    title: 'One destination twice with different headers',
    description:
      'Two weighted entries of one rule send to the same destination (host, port and subset) with different `headers`. Envoy gets one ' +
      'weighted cluster for both (their weights added up), which carries one set of header operations: the first entry\'s. ' +
      'Use one entry per destination, or the same header operations on both.',
  },
  {
    code: 'ML4014',
    severity: 'warning',
    title: 'Match condition not supported (sourceLabels, destinationSubnets)',
    description:
      '`sourceLabels` selects client workloads by label, which meshlog\'s views (per namespace and per gateway) cannot express. A tcp rule\'s ' +
      '`destinationSubnets` selects connections by the address they go to, which meshlog\'s sidecar listeners (one per port, not per ' +
      'service address) cannot tell apart. The match entry is left out, and a rule left without entries with it. (An http entry that ' +
      'names `gateways` is not: as in Istio, it applies on those gateways and its `sourceLabels` are ignored.) Use `sourceNamespace` ' +
      'or a Sidecar-scoped namespace instead of labels, and a `port` match instead of subnets.',
  },
  {
    code: 'ML4015',
    severity: 'error',
    title: 'Invalid endpoints annotation',
    description:
      'The `meshlog.dev/endpoints` annotation of a Kubernetes Service must list one endpoint per line (or separated by `;`): an IP address ' +
      'followed by optional `key=value` labels, each key once, e.g. `10.0.0.7 version=v1`. Addresses are checked as Envoy reads them: an IPv4 ' +
      'address is four numbers 0-255 without leading zeros (`10.0.0.311` and `10.0.0.010` are not addresses), or an IPv6 address; Envoy ' +
      'rejects a whole endpoint update for one malformed address. In a `|` block the diagnostic points at the endpoint\'s own line. The endpoint is left out.',
  },
  {
    code: 'ML4016',
    severity: 'warning',
    title: 'Service host defined twice, not merged',
    description:
      'Two registry entries (Kubernetes Services or ServiceEntries) define the same host for the same proxies, and Istio does not merge ' +
      'them. istiod merges the ports of ServiceEntries of one host only when they are in the same namespace and have the same resolution, ' +
      '`metadata.labels`, `workloadSelector` labels and `exportTo` (meshlog then compiles them as one service, with no diagnostic); it never ' +
      'merges a Kubernetes Service with a ServiceEntry. Otherwise a sidecar uses one definition whole: the one in its own namespace, else ' +
      'a Kubernetes Service, else the one exported to its namespace by name over a public one, else the oldest; within a namespace a ' +
      'Kubernetes Service wins over a ServiceEntry. A repository has no creation times, so meshlog takes the first by namespace and name ' +
      'for the oldest. The message says which sidecars use which. A definition that loses in its own namespace may still lend its ' +
      'endpoints: istiod gathers a host\'s endpoints per namespace from every definition (a ServiceEntry next to a Kubernetes Service of ' +
      'the same name adds its IP endpoints to the Service\'s ports of the same names). meshlog\'s views share one cluster per host and ' +
      'port, built from the first definition with that port. Remove the duplicate, make the ServiceEntries mergeable, or narrow `exportTo`.',
  },
  {
    code: 'ML4017',
    severity: 'warning',
    title: 'VirtualService host has no service',
    description:
      'A VirtualService bound to the sidecars (`mesh`) names a host no Service or ServiceEntry defines, so sidecars have no virtual host for it and ' +
      'its rules are not used there: the routing for the host it was meant for stays as it was. The message suggests a close known host, as ML4001 does. ' +
      'A VirtualService that also binds a Gateway is not reported, since a host only the gateway serves needs no Service. ' +
      'It is a warning because the service may come from Kubernetes discovery at run time; set `strictHosts: true` in MeshConfig to make it an error. ' +
      'Add a ServiceEntry for the host, or fix the name.',
  },
  {
    code: 'ML4018',
    severity: 'warning',
    title: 'Gateway server not supported',
    description:
      'Plain HTTP servers (protocol HTTP, HTTP2, GRPC or GRPC-WEB, with or without `tls.httpsRedirect`), HTTPS servers that terminate TLS ' +
      'with mounted files (`tls.mode` `SIMPLE`, `MUTUAL` or `OPTIONAL_MUTUAL`; `serverCertificate`, `privateKey`, `caCertificates`), TCP servers (TCP, Mongo, Redis, MySQL) and TLS ' +
      'passthrough servers (`tls.mode: PASSTHROUGH`) are compiled. This server is not: a TLS server that terminates TLS, another TLS ' +
      'mode, a certificate from `credentialName` (a Kubernetes Secret Istio delivers over SDS, which meshlog does not serve), servers of ' +
      'different kinds on the same port (a listener port is plain HTTP, TCP, or TLS by SNI — HTTPS and passthrough servers —; the first server decides), ' +
      'servers on the same port with different `bind` addresses (a port binds one address; the first server decides), a `bind` to a Unix domain socket, or a ' +
      'TCP or passthrough server that no VirtualService tcp or tls rule routes (as in Istio). It is left ' +
      'out, so its hosts get nothing on that port: no listener (connections are refused), or, where other servers keep the port open, ' +
      'no filter chain or route of their own (the TLS handshake is closed, or the request answered 404). A warning, not an error like ML3024: the ' +
      'Gateway\'s other servers and the rest of the mesh still compile, so a repository that also holds such servers can be managed ' +
      'meanwhile, but do not point a gateway that must serve them at meshlog yet.',
  },
  {
    code: 'ML4019',
    severity: 'warning',
    title: 'DestinationRule scope applied mesh-wide',
    description:
      'The DestinationRule narrows who it applies to (`workloadSelector`, or `exportTo` other than `*`), but meshlog\'s clusters are shared by all views, ' +
      'so its traffic policy applies to every client (and its subsets are visible to every VirtualService). Remove the narrowing, ' +
      'or accept that the policy applies everywhere.',
  },
  {
    code: 'ML4020',
    severity: 'warning',
    title: 'Host name shadowed on sidecars',
    description:
      'Two services answer to the same name in one sidecar view (for example a ServiceEntry host `billing` and the short name of the Kubernetes ' +
      'service `billing` in that namespace), or to the same address (two services listing one IP in `addresses` or as `clusterIP`, or one ' +
      'ServiceEntry with several hosts, which all answer to its addresses). Envoy allows a name in one virtual host only, so the first by name ' +
      'keeps it and requests for it go there. Use a fully qualified host in the ServiceEntry; give each service addresses of its own.',
  },
  {
    code: 'ML4021',
    severity: 'info',
    title: 'VirtualServices merged on a Gateway',
    description:
      'Several VirtualServices bound to the same Gateway (or to Gateways of one view) define routes for the same host. As Istio does on ' +
      'gateways, meshlog merges them: their rules are concatenated, each VirtualService\'s ending at its own catch-all, and then the ' +
      'catch-all routes (any path, no header or query condition) are moved last, in the same order, so one VirtualService\'s `/` does not ' +
      'hide another\'s `/api`. Istio orders them by creation time, which a repository does not record, so meshlog orders the Gateways, ' +
      'then each Gateway\'s VirtualServices, by namespace, then name; the message lists the order. A later VirtualService\'s match shadowed by an earlier one\'s is ML4008, and a ' +
      'catch-all after another VirtualService\'s catch-all is ML4007. To control the order, put the rules in one VirtualService.',
  },
  {
    code: 'ML4022',
    severity: 'warning',
    title: 'Two http rules with the same name',
    description:
      'Two rules of one VirtualService have the same `name`. A rule\'s Envoy routes are named after it (`vs/<ns>/<name>/http/<rule name>/match/<j>`, ' +
      'shown in access logs and snapshot diffs); Istio accepts repeated names, but then they no longer tell the rules apart, so meshlog names the ' +
      'later rule\'s routes by its index instead. Give each rule its own name.',
  },
  {
    code: 'ML4023',
    severity: 'warning',
    title: 'Route that proxyless gRPC clients reject',
    description:
      'A route of a gRPC service (a port named `grpc`/`grpc-*` but not `grpc-web…`, `appProtocol: grpc`, or a ServiceEntry port with protocol GRPC) is a redirect, ' +
      'a direct response, or carries a CORS policy. Sidecars run it, but gRPC\'s own xDS client (proxyless gRPC, see docs/xds.md) rejects the ' +
      'whole route table `grpc.<port>` that holds it, so gRPC clients get no routes for any gRPC service on that port. Route gRPC services ' +
      'to destinations only, or give the service a port that is not gRPC.',
  },
  {
    code: 'ML4024',
    severity: 'info',
    title: 'Reference to a resource with errors',
    description:
      'A reference (destination host, subset, Gateway) names a resource that exists in the repository but was left out because it has errors ' +
      '(reported on that resource), including one refused before its schema check (an unknown apiVersion, no `metadata.name`, an invalid ' +
      'namespace). meshlog does not report the reference as missing: fix the errors on the resource the note names, and the ' +
      'reference is checked again. One note per referring resource and resource with errors, at the first reference, saying how many more there are.',
  },
  {
    code: 'ML4025',
    severity: 'warning',
    title: 'http rules for a service without an HTTP port',
    description:
      'A VirtualService for the mesh has `http` rules for a host none of whose ports is HTTP: each is TCP, TLS, HTTPS, Mongo, Redis, MySQL or ' +
      'UDP, by its name (`tcp`, `tcp-db`, `https-web`, ...), its `appProtocol`, or a ServiceEntry port\'s `protocol`. Sidecars get no HTTP ' +
      'listener or route table for such a port, so the rules are never used. If the service speaks plain HTTP on it, name the port `http` or ' +
      '`http-<suffix>` (or set `appProtocol: http`); otherwise remove the rules.',
  },
  {
    code: 'ML4026',
    severity: 'warning',
    title: 'Subset that selects no endpoint',
    description:
      'A DestinationRule subset\'s `labels` match none of the endpoints the repository lists for its host (a STATIC ServiceEntry\'s ' +
      '`endpoints`, or a Service\'s listed endpoints). Its cluster gets an empty endpoint list, so every request routed to the subset ' +
      'fails with 503 (no healthy upstream). Usually a typo in a label value; fix the labels, or the endpoints\' labels. Not reported ' +
      'for hosts whose endpoints come from discovery at run time.',
  },
  {
    code: 'ML4027',
    severity: 'warning',
    title: 'HTTPS servers with the same host on one port',
    description:
      'An HTTPS server of a Gateway lists a host (or `*`) that an earlier HTTPS server of the same Gateway on the same port already lists. ' +
      'Envoy picks the certificate by the name the client sends (SNI), and one name can select only one certificate, so this server is ' +
      'left out whole, as Istio leaves it out ("duplicate host names"): its certificate is not used and its hosts are served only where ' +
      'another server lists them. Remove the host from one of the servers, or give the servers different ports. (Between Gateways of one ' +
      'view, the same host on one port is ML4009, whatever its namespace part.)',
  },
  {
    code: 'ML4028',
    severity: 'info',
    title: 'Gateways with the same selector are merged',
    description:
      'Several Gateways have the very same `selector`, so they configure the same gateway proxies. As Istio does, their servers ' +
      'are merged into one view, named after the first of them by namespace, then name (`gateway~<ns>~<name>`); each Gateway\'s ' +
      'VirtualServices stay bound to it. A port is plain HTTP or HTTPS for all of them (ML4018 otherwise), and two of them claiming ' +
      'one host on one port for the same namespace is an error (ML4009). For information only.',
  },
  {
    code: 'ML4029',
    severity: 'warning',
    title: 'Gateway selector contained in another',
    description:
      'Another Gateway\'s `selector` has every label of this one, and more. A gateway proxy receives one view: of the selectors its ' +
      'labels satisfy, the most specific. So the proxies with the other Gateway\'s labels get only its view, and this Gateway\'s ' +
      'servers never reach them; Istio would merge the servers of every Gateway whose selector the proxy satisfies. Move the ' +
      'servers into one Gateway, or use selectors that no proxy satisfies both of.',
  },
  {
    code: 'ML4030',
    severity: 'warning',
    title: 'TCP service without a listener of its own',
    description:
      'Sidecars proxy a service port that is not HTTP (TCP, TLS, HTTPS, Mongo, Redis, MySQL) on a listener per port, `<bindAddress>_<port>`, ' +
      'not per service address as Istio does. TLS and HTTPS services share a port by the SNI name clients send (even with HTTP services), ' +
      'but connections to a TCP port carry nothing to tell services apart. So when two TCP services share a port in a sidecar view, ' +
      'neither gets it there (connections to it are closed, rather than sent to the wrong service), and a TCP service on a port the view ' +
      'serves as HTTP gets no chain (its connections are read as HTTP requests). The message names the views. Give the services ' +
      'different ports, or narrow who sees them with `exportTo`.',
  },
  {
    code: 'ML4032',
    severity: 'warning',
    title: 'TCP connections that could only be passed through',
    description:
      'A TCP, TLS or HTTPS service port, or a tcp or tls rule, whose connections would go to a service with `resolution: NONE`. ' +
      'NONE passes each connection on to the address the client dialled (an ORIGINAL_DST cluster); a sidecar listener bound to the port, ' +
      'as meshlog\'s are, does not know that address, so Envoy would close every connection. The port gets no filter chain for the ' +
      'service or rule, and those connections are closed. Use `resolution: DNS` (Envoy resolves the host) or `STATIC` with endpoints.',
  },
  {
    code: 'ML4033',
    severity: 'warning',
    title: 'HTTP requests that could only be passed through',
    description:
      'A route (a VirtualService rule, or a host\'s default route) sends requests to a cluster that passes each one on to the address the ' +
      'client dialled (ORIGINAL_DST): a service with `resolution: NONE` (the default of a ServiceEntry), or a DestinationRule with ' +
      '`loadBalancer: PASSTHROUGH`. A proxy listener bound to the port, as meshlog\'s are, does not know that address, so Envoy answers ' +
      'those requests with 503 (no healthy upstream). Use `resolution: DNS` (Envoy resolves the host; it needs host names, not wildcards) ' +
      'or `STATIC` with endpoints, or another load balancer. TCP ports: ML4032.',
  },
  {
    code: 'ML4034',
    severity: 'warning',
    title: 'A host a client-certificate server serves is also answered by a laxer server',
    description:
      'On a gateway port with several HTTPS servers, each server routes by a table of its own ' +
      '(`https.<port>.<server index>.<gateway>.<ns>`, as Istio), holding only what that server admits. This host is served by a ' +
      'server that checks client certificates, and a server on the same port that asks less (no certificate, or other CAs, fewer ' +
      'names or pins) answers it too, exactly or through a wildcard: a client can complete that server\'s handshake and reach the ' +
      'routes it has for the host without the stricter check. Istio behaves the same. Narrow the other server\'s hosts if it should ' +
      'not serve the host.',
  },
  {
    code: 'ML4035',
    severity: 'info',
    title: 'Port served as HTTP for want of a protocol',
    description:
      'A Kubernetes Service port whose `appProtocol` says nothing Istio knows of its protocol (Istio then reads no name either), or ' +
      'which has no `appProtocol` and a name (`http-…`, `tcp-…`, `grpc…`, …) that says nothing of it, or a ' +
      'ServiceEntry port without `protocol`. Istio detects the protocol of such a port from the traffic; meshlog compiles config ahead ' +
      'of any traffic and serves the port as HTTP. A port that carries something else (a database, a message broker) then gets an ' +
      'HTTP listener that reads its connections as HTTP requests: name it `tcp-<suffix>`, or set `appProtocol` or `protocol`.',
  },
  {
    code: 'ML4036',
    severity: 'warning',
    title: 'VirtualService not exported to its Gateway\'s namespace',
    description:
      'A VirtualService binds to a Gateway in another namespace, but its `exportTo` does not include that namespace, so meshlog leaves ' +
      'it out of that Gateway\'s view: its routes do nothing there. Istio decides by the namespace the gateway\'s pods run in (often ' +
      '`istio-system`), which a repository does not say; meshlog takes the Gateway\'s own namespace, which is the same when the ' +
      'Gateway is deployed with its pods. Export the VirtualService to the Gateway\'s namespace and to the pods\' (or `*`), or remove the binding.',
  },
  {
    code: 'ML4031',
    severity: 'warning',
    title: 'tcp or tls rules for a service without a port of that kind',
    description:
      'A VirtualService for the mesh has `tcp` rules for a host none of whose ports sidecars proxy as TCP: each is HTTP, HTTP2, gRPC or ' +
      'UDP, by its name (`http`, `grpc-api`, unnamed ports count as HTTP), its `appProtocol`, or a ServiceEntry port\'s `protocol`. Such ' +
      'ports get an HTTP route table, where only `http` rules apply, so the tcp rules are never used. If the service speaks another ' +
      'protocol on the port, name it `tcp` or `tcp-<suffix>` (or set `appProtocol: tcp`); otherwise write http rules. Likewise `tls` ' +
      'rules for a host with no TLS or HTTPS port: only those ports pick connections by SNI.',
  },
  {
    code: 'ML4037',
    severity: 'info',
    title: 'STATIC ServiceEntry without endpoints',
    description:
      'A ServiceEntry with `resolution: STATIC` lists no `endpoints` and no `workloadSelector`. Istio accepts it, and so does meshlog: ' +
      'its clusters are built with an empty endpoint list, so every request routed to its hosts fails with 503 (no healthy upstream) ' +
      'and TCP connections to them are closed, until endpoints are listed. List the endpoints (IP addresses or `unix://` sockets), or use ' +
      '`resolution: DNS` to have the hosts resolved.',
  },
  {
    code: 'ML4038',
    severity: 'info',
    title: 'Gateway server listens on its Service\'s targetPort',
    description:
      'A Gateway server\'s `port.number` is a port of the gateway\'s Kubernetes Service, which sends it to another `targetPort` (the usual ' +
      'ingress Service sends 80 to 8080 and 443 to 8443: gateway pods run without root and cannot bind ports below 1024). As Istio, the ' +
      'gateway\'s listener binds the targetPort (`0.0.0.0_8080`, route table `http.8080`); VirtualService `match.port` and virtual host ' +
      'names keep the Service port. A Service counts as the gateway\'s when its selector and the Gateway\'s agree and one contains the ' +
      'other (the pods\' labels are not in the repository). For information only.',
  },
  {
    code: 'ML4039',
    severity: 'warning',
    title: 'Gateway Service port with a named targetPort',
    description:
      'A Gateway server\'s `port.number` is a port of the gateway\'s Kubernetes Service whose `targetPort` is a name: a container port of ' +
      'the gateway\'s pods, which the repository does not hold. Istio binds the listener to that container port\'s number; meshlog cannot ' +
      'tell it, so the listener binds `port.number` as written, which is right only if the container port has that number. Write the ' +
      'number as the Service port\'s `targetPort`.',
  },
  {
    code: 'ML4040',
    severity: 'warning',
    title: 'Gateway Services send one port to different targetPorts',
    description:
      'Several of the gateway\'s Kubernetes Services have a port numbered like the server\'s `port.number`, and they send it to different ' +
      '`targetPort`s. A listener binds one port: meshlog takes the first Service by namespace, then name; Istio the first Service it ' +
      'lists, in no defined order, so the port the gateway listens on may change from one istiod to the next. Give the Services one ' +
      'targetPort for the port, or select the gateway\'s pods with one of them.',
  },
  {
    code: 'ML4041',
    severity: 'warning',
    title: 'Gateway server port its Services do not reach',
    description:
      'The gateway has Kubernetes Services, but none of them has a port numbered like the server\'s `port.number`, nor sends a port ' +
      'to it (`targetPort`). The listener binds `port.number` as written, as Istio binds it, but clients that reach the gateway through ' +
      'its Services (a load balancer, a NodePort, the cluster IP) never get to it. Add the port to the gateway\'s Service, or use one of its ports. ' +
      'It stays silent when any of those ports has a named `targetPort`: that names a container port of the gateway\'s pods, which the ' +
      'repository does not hold, so it may be the server\'s number.',
  },
  {
    code: 'ML4042',
    severity: 'warning',
    title: 'Merged ServiceEntries define a port differently',
    description:
      'Two ServiceEntries of one host that Istio merges (same namespace, resolution, labels, `workloadSelector` and `exportTo`) both ' +
      'define a port number, with a different name, protocol or `targetPort`. The merged service keeps the older one\'s port (meshlog, ' +
      'which has no creation times, takes the first by namespace and name), so this definition is not used: its protocol does not decide ' +
      'the listener, and with `resolution: STATIC` and another name its endpoints do not serve the port (an EDS cluster takes the endpoints ' +
      'whose port name is the kept port\'s). Define the port the same way in both, or in one of them only.',
  },
  {
    code: 'ML4043',
    severity: 'warning',
    title: 'Destination port differs between sidecars',
    description:
      'A route destination without `port` goes to its host\'s only port (else the request\'s own port), and istiod reads the host as each ' +
      'sidecar sees it. Where a host is defined in several namespaces and istiod does not merge the definitions (ML4016), sidecars ' +
      'receiving the VirtualService may use definitions with different lone ports, so the same route goes to different ports. meshlog\'s ' +
      'views share routes: it takes the port of the definition the VirtualService\'s own namespace uses. Set `destination.port.number`, ' +
      'or narrow the VirtualService\'s `exportTo`.',
  },
  {
    code: 'ML4044',
    severity: 'warning',
    title: 'Named targetPort on a Service with stated endpoints',
    description:
      'A Kubernetes Service port whose `targetPort` is a name (a container port of the pods) on a Service that states its endpoints in ' +
      'the `meshlog.dev/endpoints` annotation. In a cluster, Kubernetes resolves the name from the pods\' specs, which a config ' +
      'repository does not hold, so meshlog sends to the Service port itself: if the pods listen elsewhere, every request fails to ' +
      'connect. Write the container port\'s number as `targetPort`. A number in quotes (`"8080"`) is reported too: it is no port name ' +
      '(a name has a letter), and Kubernetes refuses it.',
  },
];
