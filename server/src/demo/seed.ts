import { hashPassword } from '../auth/passwords';
import { encodeOutline } from '../content/outline';
import type { Logger } from '../logger';
import type { SqliteDatabase } from '../store/database';
import type { Repositories } from '../store/repositories';
import { VersionStore } from '../versions/versionStore';
import { ACTION_PLAN_TITLE, actionPlanDraft } from './actionPlan';
import { DEMO_PASSWORD, demoParticipants, demoUsers, participantColor } from './participants';
import { workPlan2011 } from './workPlan';

export const PRAGUE_PROCESS_NAME = 'Prague Process';

/**
 * Seeds the demo (the Prague Process, its participants, demo users and a
 * draft Action Plan) when the database holds no process yet. Runs once: a
 * document is never re-seeded once it exists.
 */
export async function seedDemoIfEmpty(
  db: SqliteDatabase,
  repositories: Repositories,
  logger: Logger,
): Promise<boolean> {
  if (repositories.processes.count() > 0) return false;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  db.transaction(() => {
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
    for (const meeting of workPlan2011) versions.addMeeting(process.id, meeting);
    repositories.documents.create(process.id, ACTION_PLAN_TITLE, encodeOutline(actionPlanDraft));
  })();
  logger.info('seeded the Prague Process demo');
  return true;
}
