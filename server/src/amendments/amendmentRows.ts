import type { Amendment, AmendmentKind, AmendmentStatus, Cosponsor, FallenReason } from '@draftroom/shared';
import { actorFrom } from '../negotiation/negotiationStore';

/**
 * The amendment rows both stores read (SQLite: ./amendmentStore.ts;
 * PostgreSQL: store/postgres/pgAmendmentRepository.ts) and how they become
 * the Amendment records the services and API use.
 */

/** The columns of SELECT_AMENDMENTS that read the same on every store. */
export interface AmendmentRowColumns {
  id: string;
  document_id: string;
  number: number;
  kind: AmendmentKind;
  clause_id: string;
  clause_number: string;
  base_text: string;
  proposed_text: string;
  base_version_label: string | null;
  justification: string;
  proponent_code: string;
  tabled_at: string;
  status: AmendmentStatus;
  decided_at: string | null;
  accepted_text: string | null;
  fallen_reason: FallenReason | null;
  covered_by: number | null;
  created_clause_id: string | null;
  [key: string]: unknown;
}

/**
 * An amendment row as {@link toAmendment} reads it, from either store: the
 * columns of SELECT_AMENDMENTS (times as ISO 8601 UTC text), the tabler's
 * and decider's actor columns (`actorColumns(…, 'tabler' | 'decider')`), and
 * `compromise` and `covers` decoded (PostgreSQL's boolean and jsonb as they
 * come; SQLite's 0/1 and JSON text by amendmentStore.ts's decodeSqliteRow).
 */
export interface AmendmentRow extends AmendmentRowColumns {
  compromise: boolean;
  covers: number[];
}

/** A co-signature row: its amendment, the delegation's code, the ISO time and the signer's actor columns (`by`). */
export interface CosponsorRow {
  amendment_id: string;
  code: string;
  at: string;
  [key: string]: unknown;
}

/** An amendment row and its co-signatures (in signing order) as the record the services and API use. */
export function toAmendment(row: AmendmentRow, cosponsors: Cosponsor[]): Amendment {
  return {
    id: row.id,
    documentId: row.document_id,
    number: row.number,
    kind: row.kind,
    clauseId: row.clause_id,
    clauseNumber: row.clause_number,
    baseText: row.base_text,
    proposedText: row.proposed_text,
    baseVersionLabel: row.base_version_label,
    justification: row.justification,
    proponentCode: row.proponent_code,
    tabledBy: actorFrom(row, 'tabler'),
    tabledAt: row.tabled_at,
    cosponsors,
    status: row.status,
    decidedBy: row.decider_id ? actorFrom(row, 'decider') : null,
    decidedAt: row.decided_at,
    acceptedText: row.accepted_text,
    fallenReason: row.fallen_reason,
    compromise: row.compromise,
    covers: row.covers,
    coveredBy: row.covered_by,
    createdClauseId: row.created_clause_id,
  };
}

/**
 * The amendments of `rows` (in their order), each with its co-signatures
 * from `cosponsorRows` (rows of other amendments are ignored; each
 * amendment's in the order given, which is signing order).
 */
export function amendmentsWithCosponsors(rows: AmendmentRow[], cosponsorRows: CosponsorRow[]): Amendment[] {
  const byAmendment = new Map<string, Cosponsor[]>();
  for (const row of cosponsorRows) {
    const list = byAmendment.get(row.amendment_id) ?? [];
    list.push({ participantCode: row.code, by: actorFrom(row, 'by'), at: row.at });
    byAmendment.set(row.amendment_id, list);
  }
  return rows.map((row) => toAmendment(row, byAmendment.get(row.id) ?? []));
}
