import type { UserProfile } from '@draftroom/shared';
import * as Y from 'yjs';
import { hashPassword } from '../auth/passwords';
import { writeOutline } from '../content/outline';
import { fingerprint, readDocumentStructure } from '../content/structure';
import type { Logger } from '../logger';
import type { RecordStores } from '../store/recordStores';
import type { NewVersion } from '../versions/versionStore';
import { ACTION_PLAN_TITLE, actionPlanDraft } from './actionPlan';
import { seedDemoAmendments } from './amendmentSeed';
import { bracketDemoPassage, seedDemoNegotiation } from './negotiationSeed';
import {
  DEMO_PASSWORD,
  type DemoProfileOf,
  demoParticipants,
  demoUsers,
  participantColor,
} from './participants';
import type { SeedExclusive } from './seedExclusive';
import { workPlan2011 } from './workPlan';

export const PRAGUE_PROCESS_NAME = 'Prague Process';

/** What to seed, and how to keep other seeders of the same database out meanwhile. */
export interface SeedOptions {
  /** Also a negotiation under way: statuses, positions, a bracket, comments and amendments (default false). */
  negotiation?: boolean;
  /**
   * Runs the seed alone, in one transaction where the database has them
   * (sqliteSeedExclusive, postgresSeedExclusive in seedExclusive.ts).
   * Default: runs it at once on the `records` given to seedDemoIfEmpty — no
   * transaction, no protection against another seeder at the same time.
   */
  exclusive?: SeedExclusive;
}

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
 * Creates the Prague Process with its participants (each with its default
 * role) and the demo users; resolves to the process's id and a lookup of the
 * users' profiles by address.
 */
async function seedPeople(
  records: RecordStores,
  passwordHash: string,
): Promise<{ processId: string; profileOf: DemoProfileOf }> {
  const process = await records.processes.create(
    PRAGUE_PROCESS_NAME,
    'Migration partnerships among the states of the EU, Schengen, Eastern Europe, the Western Balkans, Central Asia and Turkey ("Building Migration Partnerships").',
  );
  const participantIds = new Map<string, string>();
  for (const participant of demoParticipants) {
    const created = await records.participants.create({
      code: participant.code,
      name: participant.name,
      kind: participant.kind,
      color: participantColor(participant.code),
    });
    participantIds.set(participant.code, created.id);
    await records.processes.setParticipant(process.id, created.id, participant.role);
  }
  const profiles = new Map<string, UserProfile>();
  for (const user of demoUsers) {
    const participantId = participantIds.get(user.participantCode);
    if (!participantId) throw new Error(`demo participant ${user.participantCode} missing`);
    await records.users.create({ ...user, participantId, passwordHash });
    const account = await records.users.findByEmail(user.email);
    if (!account) throw new Error(`demo user ${user.email} missing`);
    profiles.set(user.email, account.profile);
  }
  const profileOf: DemoProfileOf = (email) => {
    const profile = profiles.get(email);
    if (!profile) throw new Error(`demo user ${email} missing`);
    return profile;
  };
  return { processId: process.id, profileOf };
}

/**
 * Writes the demo records and the Action Plan's initial text (stored with its
 * document record), all through `records`.
 */
async function writeDemo(records: RecordStores, passwordHash: string, negotiation: boolean): Promise<void> {
  const { processId, profileOf } = await seedPeople(records, passwordHash);
  const meetings = [];
  for (const meeting of workPlan2011) meetings.push(await records.versions.addMeeting(processId, meeting));
  const draft = new Y.Doc();
  writeOutline(draft, actionPlanDraft);
  if (negotiation) bracketDemoPassage(draft);
  const initialState = Y.encodeStateAsUpdate(draft);
  const documentId = await records.documents.create(processId, ACTION_PLAN_TITLE, initialState);
  // Administrators manage the process and are on no document automatically (README, Security): the
  // demo administrator belongs to ICMPD, whose process default role is drafter, hence an explicit "none".
  for (const admin of demoUsers.filter((user) => user.isAdmin)) {
    await records.documents.setUserRole(documentId, profileOf(admin.email).id, 'none');
  }
  try {
    if (negotiation) await seedDemoNegotiation(records, profileOf, documentId, draft);
  } finally {
    draft.destroy();
  }
  const budapestSom = meetings.find((meeting) => meeting.place === 'Budapest');
  const presidency = demoUsers[0] ? profileOf(demoUsers[0].email).id : null;
  await records.versions.create(firstRevision(documentId, initialState, budapestSom?.id ?? null, presidency));
  // Tabled against Rev. 1, so after it.
  if (negotiation) await seedDemoAmendments(records, profileOf, documentId, initialState);
}

/**
 * Seeds the demo (the Prague Process, its participants, demo users and a
 * draft Action Plan, with `options.negotiation` a negotiation under way) when
 * the database holds no process yet, writing only through record stores:
 * `records` to look, and the stores `options.exclusive` gives to write (by
 * default `records` too). Runs once: a database with a process is never
 * seeded again, also when several instances start at once with an
 * `exclusive` that keeps them apart. Resolves true when this call seeded.
 * @throws the record stores' error (with an exclusive transaction, nothing is then kept)
 */
export async function seedDemoIfEmpty(
  records: RecordStores,
  logger: Logger,
  options: SeedOptions = {},
): Promise<boolean> {
  if ((await records.processes.count()) > 0) return false;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const exclusive: SeedExclusive = options.exclusive ?? ((work) => work(records));
  // Checked again alone: another instance on the same database may have seeded while the password was hashed.
  const seeded = await exclusive(async (writing) => {
    if ((await writing.processes.count()) > 0) return false;
    await writeDemo(writing, passwordHash, options.negotiation ?? false);
    return true;
  });
  if (seeded) logger.info('seeded the Prague Process demo');
  return seeded;
}
