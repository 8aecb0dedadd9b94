import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { PgCommentRepository } from '../../server/src/store/postgres/pgCommentRepository';
import { inTransaction } from '../../server/src/store/postgres/queryable';
import { describeCommentRepositoryContract } from '../support/commentRepositoryContract';
import { pgRecordWorld, uniqueTag } from '../support/recordWorld';
import { waitUntilBlocked } from '../support/services/lockWait';
import { migratedDatabase } from '../support/services/migratedDatabase';

/** A pool of its own on the file's database: as one server instance would hold. */
const { instancePool } = migratedDatabase('comments', { poolSize: 3 });

describeCommentRepositoryContract('PostgreSQL (PgCommentRepository)', () => {
  const instances = [instancePool(), instancePool(), instancePool()];
  return {
    instances: instances.map((pool) => new PgCommentRepository(pool)),
    world: pgRecordWorld(instances[0] as pg.Pool),
    dispose: () => undefined,
  };
});

/** A promise and the function that settles it: to hold a transaction open until the test lets it go. */
function gate<T = void>(): { promise: Promise<T>; open: (value: T) => void } {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('PgCommentRepository across instances and transactions', () => {
  async function setUp() {
    const pool = instancePool();
    const world = pgRecordWorld(pool);
    const documentId = await world.createDocument();
    const tag = uniqueTag();
    const hu = await world.createDelegate(`${tag}HU`, 'Hanna Horváth');
    const cz = await world.createDelegate(`${tag}CZ`, 'Petr Dvořák');
    const onPool = new PgCommentRepository(pool);
    const thread = await onPool.createThread(
      documentId,
      { clauseId: 'cl-1', anchor: null, body: '@HU first', mentions: [hu.code] },
      cz.userId,
    );
    return { pool, documentId, hu, cz, onPool, thread };
  }

  it('a read mark taken while a mention is being committed through another instance does not cover it', async () => {
    const { pool, documentId, hu, cz, thread } = await setUp();
    const reader = new PgCommentRepository(instancePool(1));
    const wrote = gate();
    const commit = gate();
    const writing = inTransaction(pool, async (client) => {
      await new PgCommentRepository(client).reply(documentId, thread.id, '@HU second', [hu.code], cz.userId);
      wrote.open();
      await commit.promise;
    });
    await wrote.promise;
    await reader.markRead(hu.userId, thread.id);
    commit.open();
    await writing;
    expect((await reader.mentioning(hu.code, hu.userId))[0]?.unread).toBe(true);
    await reader.markRead(hu.userId, thread.id);
    expect((await reader.mentioning(hu.code, hu.userId))[0]?.unread).toBe(false);
  });

  it('a comment on a thread waits for another instance’s uncommitted comment on it, so mentions commit in order', async () => {
    const { pool, documentId, hu, cz, thread } = await setUp();
    const other = new PgCommentRepository(instancePool(1));
    const wrote = gate();
    const commit = gate();
    const writing = inTransaction(pool, async (client) => {
      await new PgCommentRepository(client).reply(documentId, thread.id, '@HU held', [hu.code], cz.userId);
      wrote.open();
      await commit.promise;
    });
    await wrote.promise;
    const replying = other.reply(documentId, thread.id, '@HU after', [hu.code], cz.userId);
    await waitUntilBlocked(pool, 'comment_threads');
    commit.open();
    await writing;
    const replied = await replying;
    expect(replied.comments.map((comment) => comment.body)).toEqual(['@HU first', '@HU held', '@HU after']);
  });

  it('writes inside the transaction: a rolled-back one leaves no thread, reply, edit or read mark', async () => {
    const { pool, documentId, hu, cz, onPool, thread } = await setUp();
    await expect(
      inTransaction(pool, async (client) => {
        const bound = new PgCommentRepository(client);
        await bound.createThread(
          documentId,
          { clauseId: 'cl-2', anchor: null, body: 'Gone', mentions: [] },
          hu.userId,
        );
        await bound.reply(documentId, thread.id, 'Gone too', [], hu.userId);
        await bound.editComment(thread.comments[0]?.id ?? '', 'Rewritten', []);
        await bound.markRead(hu.userId, thread.id);
        await bound.setResolved(documentId, thread.id, cz.userId);
        expect(await bound.threads(documentId)).toHaveLength(2);
        throw new Error('the text did not commit');
      }),
    ).rejects.toThrow('the text did not commit');
    expect(await onPool.threads(documentId)).toEqual([thread]);
    expect((await onPool.mentioning(hu.code, hu.userId))[0]?.unread).toBe(true);
  });

  it('undoes only a failed reply (its savepoint); the transaction goes on and commits the rest', async () => {
    const { pool, documentId, hu, onPool, thread } = await setUp();
    await inTransaction(pool, async (client) => {
      const bound = new PgCommentRepository(client);
      await expect(bound.reply(documentId, 'no-such-thread', 'Lost', [], hu.userId)).rejects.toThrow();
      await bound.reply(documentId, thread.id, 'Kept', [], hu.userId);
    });
    expect((await onPool.thread(documentId, thread.id))?.comments.map((comment) => comment.body)).toEqual([
      '@HU first',
      'Kept',
    ]);
  });
});
