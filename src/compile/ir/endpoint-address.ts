// Endpoint addresses that are Unix domain sockets. A ServiceEntry with `resolution: STATIC` may
// list an endpoint `unix:///path` (or `unix://@name`, an abstract socket); Istio sends it to
// Envoy as an Address `pipe: {path}` with no port (serviceentry/conversion.go
// convertWorkloadInstanceToServiceInstance sets the endpoint port to 0; networking/util
// BuildAddress then builds a Pipe with the prefix trimmed). The IR keeps the address as written
// and port 0; the encoders turn it into a pipe.

export const UNIX_ADDRESS_PREFIX = 'unix://';

export function isUnixAddress(address: string): boolean {
  return address.startsWith(UNIX_ADDRESS_PREFIX);
}

/** The socket path of a `unix://` address (Envoy's Pipe.path); undefined for any other address. */
export function unixSocketPath(address: string): string | undefined {
  return isUnixAddress(address) ? address.slice(UNIX_ADDRESS_PREFIX.length) : undefined;
}
