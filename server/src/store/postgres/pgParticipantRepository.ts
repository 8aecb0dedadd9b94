import { randomUUID } from 'node:crypto';
import type { Participant } from '@draftroom/shared';
import { nowIso } from '../database';
import type { AsyncParticipantRepository, NewParticipant } from '../participants';
import type { Queryable } from './queryable';

const COLUMNS = 'p.id, p.code, p.name, p.kind, p.color';

/**
 * State delegations and organisations in PostgreSQL (schema:
 * schema/identity.ts), as ParticipantRepository keeps them in SQLite. Errors
 * are the database's (a code taken: unique violation 23505; a kind outside
 * the three: check violation 23514).
 */
export class PgParticipantRepository implements AsyncParticipantRepository {
  constructor(private readonly db: Queryable) {}

  /** Creates a participant; resolves to it with its new id (a UUID) first, then what was given. */
  async create(participant: NewParticipant): Promise<Participant> {
    const id = randomUUID();
    await this.db.query(
      'INSERT INTO participants (id, code, name, kind, color, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [id, participant.code, participant.name, participant.kind, participant.color, nowIso()],
    );
    return { id, ...participant };
  }

  /** The participant with exactly this code (case-sensitive). */
  async findByCode(code: string): Promise<Participant | undefined> {
    const result = await this.db.query<Participant>(
      `SELECT ${COLUMNS} FROM participants p WHERE p.code = $1`,
      [code],
    );
    return result.rows[0];
  }

  async findById(id: string): Promise<Participant | undefined> {
    const result = await this.db.query<Participant>(`SELECT ${COLUMNS} FROM participants p WHERE p.id = $1`, [
      id,
    ]);
    return result.rows[0];
  }

  /** Every participant, by name (code point order). */
  async list(): Promise<Participant[]> {
    const result = await this.db.query<Participant>(`SELECT ${COLUMNS} FROM participants p ORDER BY p.name`);
    return result.rows;
  }

  /** The participants of a process, by kind, then name; empty for an unknown process. */
  async listForProcess(processId: string): Promise<Participant[]> {
    const result = await this.db.query<Participant>(
      `SELECT ${COLUMNS} FROM participants p
       JOIN process_participants pp ON pp.participant_id = p.id
       WHERE pp.process_id = $1 ORDER BY p.kind, p.name`,
      [processId],
    );
    return result.rows;
  }
}
