import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/** True for 127.0.0.0/8 and ::1 (also IPv4-mapped): a reverse proxy on the same machine. */
export function isLoopback(address: string): boolean {
  const plain = address.replace(/^::ffff:/, '');
  return plain === '::1' || plain.startsWith('127.');
}

/**
 * The client's address the way Express computes it with `trust proxy
 * 'loopback'`: the nearest address of the `X-Forwarded-For` chain that is not
 * a loopback proxy, or the socket's peer when nothing is forwarded.
 */
export function clientAddress(request: IncomingMessage): string {
  let address = request.socket.remoteAddress ?? '';
  const forwarded = request.headers['x-forwarded-for'];
  const chain = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? ''))
    .split(',')
    .map((part) => part.trim())
    .filter((part) => isIP(part) !== 0)
    .reverse();
  for (const hop of chain) {
    if (!isLoopback(address)) break;
    address = hop;
  }
  return address;
}
