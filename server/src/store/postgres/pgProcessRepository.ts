import { randomUUID } from 'node:crypto';
import type { ProcessSummary, Role } from '@draftroom/shared';
import { nowIso } from '../database';
import type { AsyncProcessRepository } from '../processes';
import { bigintOf, type Queryable } from './queryable';

/** A participant of a process with its default role (ProcessRepository.listMemberships). */
type Membership = { participantId: string; code: string; name: string; defaultRole: Role };

/**
 * Dialogues (processes) and their participants' default roles in PostgreSQL
 * (schema: schema/identity.ts), as ProcessRepository keeps them in SQLite.
 * Errors are the database's (a name taken: unique violation 23505; an unknown
 * process or participant: 23503; a role outside the four: 23514).
 */
export class PgProcessRepository implements AsyncProcessRepository {
  constructor(private readonly db: Queryable) {}

  /** Creates a process; resolves to it with its new id (a UUID). */
  async create(name: string, description: string): Promise<ProcessSummary> {
    const id = randomUUID();
    await this.db.query('INSERT INTO processes (id, name, description, created_at) VALUES ($1, $2, $3, $4)', [
      id,
      name,
      description,
      nowIso(),
    ]);
    return { id, name, description };
  }

  /** How many processes there are. */
  async count(): Promise<number> {
    const result = await this.db.query<{ n: string }>('SELECT count(*) AS n FROM processes');
    return bigintOf(result.rows[0]?.n);
  }

  /** The process with exactly this name. */
  async findByName(name: string): Promise<ProcessSummary | undefined> {
    const result = await this.db.query<ProcessSummary>(
      'SELECT id, name, description FROM processes WHERE name = $1',
      [name],
    );
    return result.rows[0];
  }

  /** Every process, by name (code point order). */
  async list(): Promise<ProcessSummary[]> {
    const result = await this.db.query<ProcessSummary>(
      'SELECT id, name, description FROM processes ORDER BY name',
    );
    return result.rows;
  }

  /** The participants of a process with their default roles, by kind, then name; empty for an unknown process. */
  async listMemberships(processId: string): Promise<Membership[]> {
    const result = await this.db.query<Membership>(
      `SELECT p.id AS "participantId", p.code, p.name, pp.default_role AS "defaultRole"
       FROM process_participants pp JOIN participants p ON p.id = pp.participant_id
       WHERE pp.process_id = $1 ORDER BY p.kind, p.name`,
      [processId],
    );
    return result.rows;
  }

  /** Makes a participant take part with `defaultRole`, or changes its default role (one statement: safe from several instances at once). */
  async setParticipant(processId: string, participantId: string, defaultRole: Role): Promise<void> {
    await this.db.query(
      `INSERT INTO process_participants (process_id, participant_id, default_role) VALUES ($1, $2, $3)
       ON CONFLICT (process_id, participant_id) DO UPDATE SET default_role = excluded.default_role`,
      [processId, participantId, defaultRole],
    );
  }
}
