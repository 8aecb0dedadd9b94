import { MessageType } from '@draftroom/shared';
import * as decoding from 'lib0/decoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awarenessMessage, openRawSocket, type RawCollabSocket } from '../support/rawCollab';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { waitFor } from '../support/waitFor';

/**
 * Awareness entries in the awareness messages a socket received: client id →
 * the cursor anchor of its entry with the highest clock (the server numbers
 * the clocks it relays itself, so only their order is compared).
 */
function presenceSeen(socket: RawCollabSocket): { messages: number; anchors: Map<number, number> } {
  const clocks = new Map<number, number>();
  const anchors = new Map<number, number>();
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
      const state = JSON.parse(decoding.readVarString(inner)) as { cursor?: { anchor?: number } } | null;
      if (clock <= (clocks.get(clientId) ?? -1)) continue;
      clocks.set(clientId, clock);
      anchors.set(clientId, state?.cursor?.anchor ?? -1);
    }
  }
  return { messages, anchors };
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
        const { anchors } = presenceSeen(observer);
        return editors.every((_editor, index) => anchors.get(9000 + index) === 20);
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
