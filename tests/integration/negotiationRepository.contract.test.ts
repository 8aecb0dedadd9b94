import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../server/src/logger';
import { NegotiationStore, sqliteNegotiationRepository } from '../../server/src/negotiation/negotiationStore';
import { openDatabase } from '../../server/src/store/database';
import { describeNegotiationRepositoryContract } from '../support/negotiationRepositoryContract';
import { sqliteRecordWorld } from '../support/recordWorld';

describeNegotiationRepositoryContract('SQLite (NegotiationStore)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'draftroom-negotiation-'));
  const db = openDatabase(dataDir, { synchronous: 'NORMAL' }, createLogger('silent'));
  return {
    // Two stores on one database, as two services of one process would hold.
    instances: [
      sqliteNegotiationRepository(new NegotiationStore(db)),
      sqliteNegotiationRepository(new NegotiationStore(db)),
    ],
    world: sqliteRecordWorld(db),
    dispose: () => {
      db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
});
