import * as Y from 'yjs';
import { hashPassword } from '../auth/passwords';
import { writeOutline } from '../content/outline';
import { fingerprint, readDocumentStructure } from '../content/structure';
import type { Logger } from '../logger';
import type { SqliteDatabase } from '../store/database';
import type { Repositories } from '../store/repositories';
import { type NewVersion, VersionStore } from '../versions/versionStore';
import { ACTION_PLAN_TITLE, actionPlanDraft } from './actionPlan';
import { seedDemoAmendments } from './amendmentSeed';
import { bracketDemoPassage, seedDemoNegotiation } from './negotiationSeed';
import { DEMO_PASSWORD, demoParticipants, demoUsers, participantColor } from './participants';
import { workPlan2011 } from './workPlan';

export const PRAGUE_PROCESS_NAME = 'Prague Process';

/** The seeded draft as the presidency's first circulated revision. */
function firstRevision(
  documentId: string,
  state: Uint8Array,
  meetingId: string | null,
  createdBy: string | null,
): NewVersion {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  const structure = readDocumentStructure(doc);
  doc.destroy();
  return {
    documentId,
    kind: 'named',
    label: 'Rev. 1 — for the Budapest SOM',
    note: "The presidency's first draft, structured along the six thematic areas agreed in Brussels.",
    meetingId,
    state,
    structureJson: JSON.stringify(structure),
    negotiationJson: JSON.stringify({ statuses: {}, positions: {}, brackets: {} }),
    fingerprint: fingerprint(structure),
    lastUpdateId: 0,
    summary: { added: 0, changed: 0, removed: 0, moved: 0 },
    baseline: null,
    createdBy,
    createdAt: new Date().toISOString(),
  };
}

/**
 * Administrators manage the process and are on no document automatically
 * (README, Security): the demo administrator belongs to ICMPD, whose process
 * default role is drafter, so the seed records an explicit "no role" on the
 * document for every administrator.
 */
function keepAdministratorsOff(repositories: Repositories, documentId: string): void {
  for (const user of demoUsers.filter((demoUser) => demoUser.isAdmin)) {
    const account = repositories.users.findByEmail(user.email);
    if (account) repositories.documents.setUserRole(documentId, account.profile.id, 'none');
  }
}

/** Writes the demo records and the Action Plan's initial text (inside the seed's transaction). */
function writeDemo(
  db: SqliteDatabase,
  repositories: Repositories,
  passwordHash: string,
  options: { negotiation: boolean },
): void {
  const process = repositories.processes.create(
    PRAGUE_PROCESS_NAME,
    'Migration partnerships among the states of the EU, Schengen, Eastern Europe, the Western Balkans, Central Asia and Turkey ("Building Migration Partnerships").',
  );
  for (const participant of demoParticipants) {
    const created = repositories.participants.create({
      code: participant.code,
      name: participant.name,
      kind: participant.kind,
      color: participantColor(participant.code),
    });
    repositories.processes.setParticipant(process.id, created.id, participant.role);
  }
  for (const user of demoUsers) {
    const participant = repositories.participants.findByCode(user.participantCode);
    if (!participant) throw new Error(`demo participant ${user.participantCode} missing`);
    repositories.users.create({ ...user, participantId: participant.id, passwordHash });
  }
  const versions = new VersionStore(db);
  const meetings = workPlan2011.map((meeting) => versions.addMeeting(process.id, meeting));
  const draft = new Y.Doc();
  writeOutline(draft, actionPlanDraft);
  if (options.negotiation) bracketDemoPassage(draft);
  const initialState = Y.encodeStateAsUpdate(draft);
  const documentId = repositories.documents.create(process.id, ACTION_PLAN_TITLE, initialState);
  keepAdministratorsOff(repositories, documentId);
  if (options.negotiation) seedDemoNegotiation(db, repositories, documentId, draft);
  draft.destroy();
  const presidency = repositories.users.findByEmail(demoUsers[0]?.email ?? '');
  const budapestSom = meetings.find((meeting) => meeting.place === 'Budapest');
  versions.create(
    firstRevision(documentId, initialState, budapestSom?.id ?? null, presidency?.profile.id ?? null),
  );
  // Tabled against Rev. 1, so after it.
  if (options.negotiation) seedDemoAmendments(db, repositories, documentId, initialState);
}

/**
 * Seeds the demo (the Prague Process, its participants, demo users and a
 * draft Action Plan) when the database holds no process yet. Runs once: a
 * document is never re-seeded once it exists.
 */
export async function seedDemoIfEmpty(
  db: SqliteDatabase,
  repositories: Repositories,
  logger: Logger,
  options: { negotiation: boolean } = { negotiation: false },
): Promise<boolean> {
  if (repositories.processes.count() > 0) return false;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  // Checked again under the write lock (an immediate transaction): another process on the same
  // file (several instances sharing DATA_DIR) may have seeded while the password was hashed.
  const seed = db.transaction(() => {
    if (repositories.processes.count() > 0) return false;
    writeDemo(db, repositories, passwordHash, options);
    return true;
  });
  if (!seed.immediate()) return false;
  logger.info('seeded the Prague Process demo');
  return true;
}
