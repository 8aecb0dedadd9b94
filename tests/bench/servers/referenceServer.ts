/**
 * The reference server under test, in its own process: the stock
 * `@y/websocket-server` (0.1.1) `setupWSConnection` behind a plain Node HTTP
 * server and a `ws` WebSocketServer, as its own `server.js` does — no
 * authentication, no persistence (YPERSISTENCE unset) — plus the measuring probe.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { docs, setupWSConnection } from '@y/websocket-server/utils';
import { WebSocketServer } from 'ws';
import { announceReady, serveProbe } from './probe';

const wss = new WebSocketServer({ noServer: true });
const server = createServer((_request, response) => {
  response.writeHead(200, { 'Content-Type': 'text/plain' });
  response.end('okay');
});
server.on('upgrade', (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, (ws) => setupWSConnection(ws, request));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

serveProbe(() => docs.size, {
  // Documents need no creation: a name is enough. Same id shape as ours.
  createDocuments: (args) =>
    Array.from({ length: (args as { count: number }).count }, () => randomBytes(9).toString('base64url')),
  stop: () => {
    for (const client of wss.clients) client.terminate();
    server.close();
    setImmediate(() => process.exit(0));
  },
});
announceReady((server.address() as AddressInfo).port);
