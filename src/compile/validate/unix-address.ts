// A `unix://<path>` address (a ServiceEntry endpoint, a Gateway server's `bind`), as Istio's
// ValidateUnixAddress takes it (pkg/config/validation/validation.go:365): a path after the
// prefix, absolute and not ending in "/", or "@name", an abstract socket.
import { UNIX_ADDRESS_PREFIX } from '../ir/endpoint-address.ts';

/** What is wrong with the socket path of `address` (a `unix://` address), in words; undefined when nothing. */
export function unixAddressProblem(address: string): string | undefined {
  const path = address.slice(UNIX_ADDRESS_PREFIX.length);
  if (path === '') return `a Unix socket address needs a path after "unix://"`;
  if (path.startsWith('@')) return undefined;
  if (!path.startsWith('/') || path.endsWith('/')) return `"${path}" is not an absolute path to a file (nor "@name", an abstract socket)`;
  return undefined;
}
