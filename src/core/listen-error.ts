// A server that cannot listen, said plainly: which address, and why in words. gRPC's own
// message is "No address added out of total 1 resolved errors: [listen EADDRINUSE: ...]".

/** `err` from listening on `address` (`what`: xDS, HTTP), reworded when its cause is a common one. */
export function listenError(what: string, address: string, err: Error): Error {
  const code = /\b(EADDRINUSE|EACCES|EADDRNOTAVAIL)\b/.exec(err.message)?.[1];
  if (code === 'EADDRINUSE') return new Error(`${what} address ${address} is in use (EADDRINUSE)`);
  if (code === 'EACCES') return new Error(`${what} address ${address}: permission denied (EACCES; ports below 1024 need privileges)`);
  if (code === 'EADDRNOTAVAIL') return new Error(`${what} address ${address} is not an address of this machine (EADDRNOTAVAIL)`);
  return err;
}
