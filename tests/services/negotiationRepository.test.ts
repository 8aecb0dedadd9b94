import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { PgNegotiationRepository } from '../../server/src/store/postgres/pgNegotiationRepository';
import { inTransaction } from '../../server/src/store/postgres/queryable';
import { describeNegotiationRepositoryContract } from '../support/negotiationRepositoryContract';
import { pgRecordWorld, uniqueTag } from '../support/recordWorld';
import { waitUntilBlocked } from '../support/services/lockWait';
import { migratedDatabase } from '../support/services/migratedDatabase';

/** A pool of its own on the file's database: as one server instance would hold. */
const { instancePool } = migratedDatabase('negotiation', { poolSize: 3 });

describeNegotiationRepositoryContract('PostgreSQL (PgNegotiationRepository)', () => {
  const instances = [instancePool(), instancePool(), instancePool()];
  return {
    instances: instances.map((pool) => new PgNegotiationRepository(pool)),
    world: pgRecordWorld(instances[0] as pg.Pool),
    dispose: () => undefined,
  };
});

describe('PgNegotiationRepository on a transaction’s client', () => {
  async function setUp() {
    const pool = instancePool();
    const world = pgRecordWorld(pool);
    const documentId = await world.createDocument();
    const hu = await world.createDelegate(`${uniqueTag()}HU`, 'Hanna Horváth');
    return { pool, documentId, hu, onPool: new PgNegotiationRepository(pool) };
  }

  it('writes inside the transaction: a rolled-back transaction leaves no status, bracket or event number', async () => {
    const { pool, documentId, hu, onPool } = await setUp();
    await expect(
      inTransaction(pool, async (client) => {
        const bound = new PgNegotiationRepository(client);
        expect(await bound.nextEventSeq(documentId)).toBe(1);
        await bound.setStatus(documentId, 'cl-1', 'agreed', hu.userId);
        await bound.createBracket(
          documentId,
          { id: 'br-1', clauseId: 'cl-1', alternatives: ['a'] },
          { id: hu.userId, participantId: hu.participantId },
        );
        expect(await bound.agreedClauses(documentId)).toEqual(['cl-1']);
        throw new Error('the text did not commit');
      }),
    ).rejects.toThrow('the text did not commit');
    expect(await onPool.statuses(documentId)).toEqual([]);
    expect(await onPool.brackets(documentId)).toEqual([]);
    expect(await onPool.lastEventSeq(documentId)).toBe(0);
    // The number was not used: the next event is 1 again, no gap.
    expect(await onPool.nextEventSeq(documentId)).toBe(1);
  });

  it('undoes only a failed bracket (its savepoint); the transaction goes on and commits the rest', async () => {
    const { pool, documentId, hu, onPool } = await setUp();
    const user = { id: hu.userId, participantId: hu.participantId };
    await onPool.createBracket(documentId, { id: 'br-taken', clauseId: 'cl-1', alternatives: ['a'] }, user);
    await inTransaction(pool, async (client) => {
      const bound = new PgNegotiationRepository(client);
      await bound.setStatus(documentId, 'cl-2', 'bracketed', hu.userId);
      await expect(
        bound.createBracket(documentId, { id: 'br-taken', clauseId: 'cl-2', alternatives: ['b', 'c'] }, user),
      ).rejects.toThrow();
      await bound.createBracket(documentId, { id: 'br-new', clauseId: 'cl-2', alternatives: ['d'] }, user);
    });
    expect((await onPool.statuses(documentId)).map((entry) => entry.status)).toEqual(['bracketed']);
    const brackets = await onPool.brackets(documentId);
    expect(
      brackets.map((bracket) => [bracket.id, bracket.alternatives.map((option) => option.text)]),
    ).toEqual([
      ['br-taken', ['a']],
      ['br-new', ['d']],
    ]);
  });

  it('holds an allocated event number until its transaction ends: another instance’s allocation waits, then gets the next', async () => {
    const { pool, documentId } = await setUp();
    const other = new PgNegotiationRepository(instancePool(1));
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let allocated!: (seq: number) => void;
    const allocatedInside = new Promise<number>((resolve) => {
      allocated = resolve;
    });
    const inside = inTransaction(pool, async (client) => {
      allocated(await new PgNegotiationRepository(client).nextEventSeq(documentId));
      await held;
    });
    expect(await allocatedInside).toBe(1);
    const outside = other.nextEventSeq(documentId);
    await waitUntilBlocked(pool, 'document_event_heads');
    release();
    await inside;
    expect(await outside).toBe(2);
  });
});
