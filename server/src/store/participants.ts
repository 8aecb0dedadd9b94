import { randomUUID } from 'node:crypto';
import type { Participant, ParticipantKind } from '@draftroom/shared';
import { type AsyncOf, asyncOf } from './asyncOf';
import { nowIso, type SqliteDatabase } from './database';

interface ParticipantRow {
  id: string;
  code: string;
  name: string;
  kind: ParticipantKind;
  color: string;
}

export interface NewParticipant {
  code: string;
  name: string;
  kind: ParticipantKind;
  color: string;
}

/** State delegations and organisations. */
export class ParticipantRepository {
  constructor(private readonly db: SqliteDatabase) {}

  create(participant: NewParticipant): Participant {
    const id = randomUUID();
    this.db
      .prepare('INSERT INTO participants (id, code, name, kind, color, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, participant.code, participant.name, participant.kind, participant.color, nowIso());
    return { id, ...participant };
  }

  findByCode(code: string): Participant | undefined {
    return this.db
      .prepare<[string], ParticipantRow>(
        'SELECT id, code, name, kind, color FROM participants WHERE code = ?',
      )
      .get(code);
  }

  findById(id: string): Participant | undefined {
    return this.db
      .prepare<[string], ParticipantRow>('SELECT id, code, name, kind, color FROM participants WHERE id = ?')
      .get(id);
  }

  list(): Participant[] {
    return this.db
      .prepare<[], ParticipantRow>('SELECT id, code, name, kind, color FROM participants ORDER BY name')
      .all();
  }

  listForProcess(processId: string): Participant[] {
    return this.db
      .prepare<[string], ParticipantRow>(
        `SELECT p.id, p.code, p.name, p.kind, p.color FROM participants p
         JOIN process_participants pp ON pp.participant_id = p.id
         WHERE pp.process_id = ? ORDER BY p.kind, p.name`,
      )
      .all(processId);
  }
}

const PARTICIPANT_METHODS = ['create', 'findByCode', 'findById', 'list', 'listForProcess'] as const;

/** Participants behind the asynchronous interface (SQLite: sqliteParticipantRepository; PostgreSQL: PgParticipantRepository). */
export type AsyncParticipantRepository = AsyncOf<
  Pick<ParticipantRepository, (typeof PARTICIPANT_METHODS)[number]>
>;

/** The SQLite store as an AsyncParticipantRepository (each call runs at once; its result comes as a settled promise). */
export function sqliteParticipantRepository(store: ParticipantRepository): AsyncParticipantRepository {
  return asyncOf(store, PARTICIPANT_METHODS);
}
