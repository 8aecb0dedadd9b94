import { randomUUID } from 'node:crypto';
import type { ProcessSummary, Role } from '@draftroom/shared';
import { type AsyncOf, asyncOf } from './asyncOf';
import { nowIso, type SqliteDatabase } from './database';

/** Dialogues (processes) and which participants take part, with their default role. */
export class ProcessRepository {
  constructor(private readonly db: SqliteDatabase) {}

  create(name: string, description: string): ProcessSummary {
    const id = randomUUID();
    this.db
      .prepare('INSERT INTO processes (id, name, description, created_at) VALUES (?, ?, ?, ?)')
      .run(id, name, description, nowIso());
    return { id, name, description };
  }

  count(): number {
    return this.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM processes').get()?.n ?? 0;
  }

  findByName(name: string): ProcessSummary | undefined {
    return this.db
      .prepare<[string], ProcessSummary>('SELECT id, name, description FROM processes WHERE name = ?')
      .get(name);
  }

  list(): ProcessSummary[] {
    return this.db
      .prepare<[], ProcessSummary>('SELECT id, name, description FROM processes ORDER BY name')
      .all();
  }

  /** The participants of a process with their default roles. */
  listMemberships(
    processId: string,
  ): { participantId: string; code: string; name: string; defaultRole: Role }[] {
    return this.db
      .prepare<[string], { participantId: string; code: string; name: string; defaultRole: Role }>(
        `SELECT p.id AS participantId, p.code, p.name, pp.default_role AS defaultRole
         FROM process_participants pp JOIN participants p ON p.id = pp.participant_id
         WHERE pp.process_id = ? ORDER BY p.kind, p.name`,
      )
      .all(processId);
  }

  setParticipant(processId: string, participantId: string, defaultRole: Role): void {
    this.db
      .prepare(
        `INSERT INTO process_participants (process_id, participant_id, default_role) VALUES (?, ?, ?)
         ON CONFLICT (process_id, participant_id) DO UPDATE SET default_role = excluded.default_role`,
      )
      .run(processId, participantId, defaultRole);
  }
}

const PROCESS_METHODS = [
  'create',
  'count',
  'findByName',
  'list',
  'listMemberships',
  'setParticipant',
] as const;

/** Processes behind the asynchronous interface (SQLite: sqliteProcessRepository; PostgreSQL: PgProcessRepository). */
export type AsyncProcessRepository = AsyncOf<Pick<ProcessRepository, (typeof PROCESS_METHODS)[number]>>;

/** The SQLite store as an AsyncProcessRepository (each call runs at once; its result comes as a settled promise). */
export function sqliteProcessRepository(store: ProcessRepository): AsyncProcessRepository {
  return asyncOf(store, PROCESS_METHODS);
}
