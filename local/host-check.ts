// local: the servers on 127.0.0.1 answer only requests addressed to them by a loopback
// name. A web page on a name that its owner points at 127.0.0.1 (DNS rebinding) is on its
// own origin as far as the browser knows, so it may read what it asks for: its requests
// carry its own name in `Host`, and are refused here.

/**
 * Whether `host` (a request's Host header) names a server on loopback port `port`:
 * `127.0.0.1:PORT` or `localhost:PORT`, and with `localhostSubdomains` also
 * `<name>.localhost:PORT` (such names always resolve to loopback, RFC 6761; fauxqs puts
 * its queue URLs on `sqs.<region>.localhost`).
 */
export function isLoopbackHost(host: string | undefined, port: number, opts: { localhostSubdomains?: boolean } = {}): boolean {
  if (!host) return false;
  const match = /^([^:]+):(\d+)$/.exec(host.trim().toLowerCase());
  if (!match || Number(match[2]) !== port) return false;
  const name = match[1]!;
  return name === '127.0.0.1' || name === 'localhost' || (opts.localhostSubdomains === true && /^[a-z0-9.-]+\.localhost$/.test(name));
}

/** HTTP 421 Misdirected Request: the answer to a request addressed to another name. */
export const MISDIRECTED = 421;

/** The body of that answer (JSON, as the servers' other answers). */
export function misdirectedBody(port: number): string {
  return JSON.stringify({ message: `Misdirected Request: this server answers only to 127.0.0.1:${port} and localhost:${port}` });
}
