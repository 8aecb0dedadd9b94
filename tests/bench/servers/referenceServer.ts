/**
 * The reference server under test, in its own process: the stock
 * `@y/websocket-server` (0.1.1) `setupWSConnection` behind a plain Node HTTP
 * server and a `ws` WebSocketServer, as its own `server.js` does — no
 * authentication, no persistence (YPERSISTENCE unset) — plus the measuring probe.
 * A document starts as the initial state the runner gave `createDocuments`
 * (the one-paragraph state ours is created with), applied by the package's
 * own hook for initial content (`setContentInitializor`) when the document is
 * first opened: both servers then hold the same document before any client
 * sends anything, and every client sends both the same messages.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { docs, setContentInitializor, setupWSConnection } from '@y/websocket-server/utils';
import { WebSocketServer } from 'ws';
import * as Y from 'yjs';
import { announceReady, serveProbe } from './probe';

/** Document id → its initial state (the document's name is the URL path, `collab/<id>`). */
const initialStates = new Map<string, Uint8Array>();
setContentInitializor((ydoc) => {
  const name = (ydoc as Y.Doc & { name: string }).name;
  const state = initialStates.get(name.slice(name.lastIndexOf('/') + 1));
  // Applied at once (not later in the promise): the document holds it before its first sync step.
  if (state) Y.applyUpdate(ydoc, state);
  return Promise.resolve();
});

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
  // Documents need no creation: a name is enough (same id shape as ours), and their initial state.
  createDocuments: (args) => {
    const { count, initialState } = args as { count: number; initialState?: string };
    const state =
      initialState === undefined ? undefined : new Uint8Array(Buffer.from(initialState, 'base64'));
    return Array.from({ length: count }, () => {
      const id = randomBytes(9).toString('base64url');
      if (state) initialStates.set(id, state);
      return id;
    });
  },
  stop: () => {
    for (const client of wss.clients) client.terminate();
    server.close();
    setImmediate(() => process.exit(0));
  },
});
announceReady((server.address() as AddressInfo).port);
