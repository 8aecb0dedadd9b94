import { CloseCode, type UserProfile } from '@draftroom/shared';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import { Connection } from '../../server/src/collab/connection';
import { sanitizePresenceUpdate as sanitize } from '../../server/src/collab/presence';
import { CollabRefusal } from '../../server/src/errors';
import { createLogger } from '../../server/src/logger';
import { MemorySocket } from '../support/memorySocket';

const user: UserProfile = {
  id: 'user-anna',
  email: 'anna.nowak@pl.example',
  name: 'Anna Nowak',
  isAdmin: false,
  participant: { id: 'participant-pl', code: 'PL', name: 'Poland', kind: 'state', color: '#dc2626' },
};

/** A Connection over an in-memory socket (the socket is never used by sanitizePresenceUpdate). */
function connection(): Connection {
  return new Connection(new MemorySocket(), user, 'pen-holder', '127.0.0.1', createLogger('silent'));
}

/** An awareness update payload (without the message type) with raw `[clientId, clock, json]` entries. */
function payload(entries: [number, number, string][]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const [clientId, clock, json] of entries) {
    encoding.writeVarUint(encoder, clientId);
    encoding.writeVarUint(encoder, clock);
    encoding.writeVarString(encoder, json);
  }
  return encoding.toUint8Array(encoder);
}

function decode(
  update: Uint8Array,
): { clientId: number; clock: number; state: Record<string, unknown> | null }[] {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  return Array.from({ length: count }, () => ({
    clientId: decoding.readVarUint(decoder),
    clock: decoding.readVarUint(decoder),
    state: JSON.parse(decoding.readVarString(decoder)) as Record<string, unknown> | null,
  }));
}

const NOBODY_ELSE = (_clientId: number): boolean => false;

/** Sanitises with no other user's connection in the room; `null` (nothing own) fails the test. */
function sanitizePresenceUpdate(
  conn: Connection,
  update: Uint8Array,
  ownedByOther = NOBODY_ELSE,
): Uint8Array {
  const own = sanitize(conn, update, ownedByOther);
  if (!own) throw new Error('nothing of its own in the update');
  return own;
}

function refusalOf(action: () => unknown): CollabRefusal {
  try {
    action();
  } catch (error) {
    if (error instanceof CollabRefusal) return error;
    throw error;
  }
  throw new Error('expected a CollabRefusal');
}

describe('sanitizePresenceUpdate', () => {
  it("replaces the client's `user` field by the session identity and keeps the rest", () => {
    const conn = connection();
    const forged = JSON.stringify({ user: { name: 'Forged', participantCode: 'XX' }, cursor: { anchor: 3 } });
    const [entry] = decode(sanitizePresenceUpdate(conn, payload([[77, 4, forged]])));
    expect(entry).toEqual({
      clientId: 77,
      clock: 4,
      state: {
        cursor: { anchor: 3 },
        user: {
          userId: 'user-anna',
          name: 'Anna Nowak',
          participantCode: 'PL',
          participantName: 'Poland',
          color: '#dc2626',
        },
      },
    });
    expect(conn.awarenessClientId).toBe(77);
  });

  it('adds the identity to a state without a user field', () => {
    const [entry] = decode(sanitizePresenceUpdate(connection(), payload([[5, 1, '{}']])));
    expect(entry?.state?.user).toMatchObject({ name: 'Anna Nowak', participantCode: 'PL' });
  });

  it('passes a removal (null state) through unchanged', () => {
    const conn = connection();
    sanitizePresenceUpdate(conn, payload([[9, 1, '{}']]));
    expect(decode(sanitizePresenceUpdate(conn, payload([[9, 2, 'null']])))).toEqual([
      { clientId: 9, clock: 2, state: null },
    ]);
  });

  it('drops entries for another client id than the first one announced, keeping its own', () => {
    const conn = connection();
    sanitizePresenceUpdate(conn, payload([[10, 1, '{}']]));
    expect(sanitize(conn, payload([[11, 1, '{"cursor":"forged"}']]), NOBODY_ELSE)).toBeNull();
    const relayed = payload([
      [11, 5, '{"cursor":"someone else"}'],
      [10, 2, '{"cursor":"mine"}'],
      [12, 3, 'null'],
    ]);
    expect(decode(sanitizePresenceUpdate(conn, relayed))).toEqual([
      { clientId: 10, clock: 2, state: { cursor: 'mine', user: conn.presence } },
    ]);
  });

  it("never claims a client id that another user's connection owns", () => {
    const conn = connection();
    const ownedByLaszlo = (clientId: number) => clientId === 20;
    expect(sanitize(conn, payload([[20, 9, '{"cursor":"hijack"}']]), ownedByLaszlo)).toBeNull();
    expect(conn.awarenessClientId).toBeUndefined();
    expect(decode(sanitizePresenceUpdate(conn, payload([[21, 1, '{}']]), ownedByLaszlo))[0]?.clientId).toBe(
      21,
    );
  });

  it('gives a client whose own id another user holds an alias; a relay of that user’s entry is not adopted', () => {
    const ownedByLaszlo = (clientId: number) => clientId === 20;
    const ids = { ownedByAnotherUser: ownedByLaszlo, newAlias: () => 555 };
    const relaying = connection();
    const laszlosState = JSON.stringify({ cursor: 'his', user: { userId: 'user-laszlo' } });
    expect(sanitize(relaying, payload([[20, 9, laszlosState]]), ids)).toBeNull();
    expect(relaying.announcedClientId).toBeUndefined();

    const conn = connection();
    const [entry] = decode(sanitize(conn, payload([[20, 3, '{"cursor":"mine"}']]), ids) ?? new Uint8Array());
    expect(entry).toEqual({ clientId: 555, clock: 3, state: { cursor: 'mine', user: conn.presence } });
    expect([conn.announcedClientId, conn.awarenessClientId]).toEqual([20, 555]);
    // Later entries under the id its client calls itself are its own, relayed under the alias.
    expect(decode(sanitize(conn, payload([[20, 4, 'null']]), ids) ?? new Uint8Array())).toEqual([
      { clientId: 555, clock: 4, state: null },
    ]);
  });

  it('applies nothing for an empty update', () => {
    expect(sanitize(connection(), payload([]), NOBODY_ELSE)).toBeNull();
  });

  it('refuses a state that is not JSON, or not an object (MalformedMessage)', () => {
    for (const json of ['{not json', '[1,2]', '"text"', '42']) {
      expect(
        refusalOf(() => sanitizePresenceUpdate(connection(), payload([[3, 1, json]]))).closeCode,
        json,
      ).toBe(CloseCode.MalformedMessage);
    }
  });

  it('refuses trailing bytes (MalformedMessage) and truncated payloads', () => {
    const withTrailing = Uint8Array.from([...payload([[3, 1, '{}']]), 0]);
    expect(refusalOf(() => sanitizePresenceUpdate(connection(), withTrailing)).closeCode).toBe(
      CloseCode.MalformedMessage,
    );
    const truncated = payload([[3, 1, '{"cursor":1}']]).slice(0, 5);
    expect(() => sanitizePresenceUpdate(connection(), truncated)).toThrow();
  });

  it('refuses an oversized state (MessageTooBig)', () => {
    const huge = JSON.stringify({ blob: 'x'.repeat(20_000) });
    expect(refusalOf(() => sanitizePresenceUpdate(connection(), payload([[3, 1, huge]]))).closeCode).toBe(
      CloseCode.MessageTooBig,
    );
  });
});
