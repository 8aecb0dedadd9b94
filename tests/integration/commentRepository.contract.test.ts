import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommentStore, sqliteCommentRepository } from '../../server/src/comments/commentStore';
import { createLogger } from '../../server/src/logger';
import { openDatabase } from '../../server/src/store/database';
import { describeCommentRepositoryContract } from '../support/commentRepositoryContract';
import { sqliteRecordWorld } from '../support/recordWorld';

describeCommentRepositoryContract('SQLite (CommentStore)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'draftroom-comments-'));
  const db = openDatabase(dataDir, { synchronous: 'NORMAL' }, createLogger('silent'));
  return {
    // Two stores on one database, as two services of one process would hold.
    instances: [sqliteCommentRepository(new CommentStore(db)), sqliteCommentRepository(new CommentStore(db))],
    world: sqliteRecordWorld(db),
    dispose: () => {
      db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
});
