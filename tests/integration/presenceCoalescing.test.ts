import { MessageType } from '@draftroom/shared';
import * as decoding from 'lib0/decoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awarenessMessage, openRawSocket, type RawCollabSocket } from '../support/rawCollab';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { waitFor } from '../support/waitFor';

/** Awareness entries (client id → latest clock) in the awareness messages a socket received. */
function presenceSeen(socket: RawCollabSocket): { messages: number; clocks: Map<number, number> } {
  const clocks = new Map<number, number>();
  let messages = 0;
  for (const bytes of socket.messages) {
    const decoder = decoding.createDecoder(bytes);
    if (decoding.readVarUint(decoder) !== MessageType.Awareness) continue;
    messages++;
    const inner = decoding.createDecoder(decoding.readVarUint8Array(decoder));
    const count = decoding.readVarUint(inner);
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(inner);
      const clock = decoding.readVarUint(inner);
      decoding.readVarString(inner);
      clocks.set(clientId, Math.max(clock, clocks.get(clientId) ?? 0));
    }
  }
  return { messages, clocks };
}

describe('presence is relayed in batches', () => {
  let server: TestServer;
  beforeAll(async () => {
    // A long interval makes the batching observable without any timing assumption in the test.
    server = await startTestServer({ presenceFlushMs: 400 });
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('relays many caret moves of many editors in a few messages, ending at everyone’s latest state', async () => {
    const documentId = server.actionPlanId();
    const { cookie } = await server.signIn(DEMO.hungarianDrafter);
    const observer = await openRawSocket(
      server.wsUrl,
      documentId,
      (await server.signIn(DEMO.observer)).cookie,
    );
    const editors = await Promise.all(
      Array.from({ length: 6 }, () => openRawSocket(server.wsUrl, documentId, cookie)),
    );
    editors.forEach((editor, index) => {
      for (let clock = 1; clock <= 20; clock++) {
        editor.send(
          awarenessMessage([{ clientId: 9000 + index, clock, state: { cursor: { anchor: clock } } }]),
        );
      }
    });
    await waitFor(
      () => {
        const { clocks } = presenceSeen(observer);
        return editors.every((_editor, index) => clocks.get(9000 + index) === 20);
      },
      { what: 'every editor’s latest presence reached the observer' },
    );
    const { messages } = presenceSeen(observer);
    // 120 presence changes; relayed one by one they would be 120 messages.
    expect(messages).toBeLessThan(20);
    for (const editor of editors) editor.close();
    observer.close();
  });
});
