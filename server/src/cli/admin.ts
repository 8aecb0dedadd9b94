import { parseArgs } from 'node:util';
import { type ParticipantKind, ROLES, type Role } from '@draftroom/shared';
import { parseShippedCheckpoint } from '../audit/auditShipped';
import { openAuditLog, verifyStoredAudit } from '../audit/openAuditLog';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../auth/passwords';
import { loadConfig, type ServerConfig } from '../config';
import { encodeOutline } from '../content/outline';
import { participantColor } from '../demo/participants';
import { createLogger, type Logger } from '../logger';
import { backupDatabase } from '../store/backup';
import { openDatabase, type SqliteDatabase } from '../store/database';
import { createRepositories, type Repositories } from '../store/repositories';

const USAGE = `Draftroom admin (DATA_DIR selects the database, default ./data)

  pnpm admin participant:add --code SK --name Slovakia --kind state|organisation|eu-institution
  pnpm admin participant:list
  pnpm admin process:add --name "Budapest Process" [--description "…"]
  pnpm admin process:join --process "Prague Process" --participant SK --role pen-holder|drafter|commenter|observer
  pnpm admin user:add --email a@b.example --name "Ana B" --participant SK --password "…" [--admin]
  pnpm admin user:list
  pnpm admin user:password --email a@b.example --password "…"
  pnpm admin document:add --process "Prague Process" --title "Action Plan 2017–2021"
  pnpm admin audit:verify [--checkpoint '<auditCheckpoint line of the server log>']
                                   checks the audit log's chain, MACs and last checkpoint, names the first bad entry;
                                   with --checkpoint also against that checkpoint kept off the host (finds a log
                                   rolled back with its anchor file cut back to an older line)
  pnpm admin audit:reanchor --note "restored the backup of 3 May"
                                   with the server stopped: anchors the audit log at its newest entry
                                   (after restoring a backup, or when the anchor file was lost), logged
  pnpm admin backup --to FILE      online backup (safe while the server runs)
`;

type Options = Record<string, string | boolean | undefined>;

function required(options: Options, name: string): string {
  const value = options[name];
  if (typeof value !== 'string' || value.trim() === '') throw new Error(`--${name} is required`);
  return value.trim();
}

function participantOf(repositories: Repositories, code: string) {
  const participant = repositories.participants.findByCode(code);
  if (!participant) throw new Error(`no participant with code ${code}`);
  return participant;
}

function processOf(repositories: Repositories, name: string) {
  const process = repositories.processes.findByName(name);
  if (!process) throw new Error(`no process named "${name}"`);
  return process;
}

async function checkedPasswordHash(password: string): Promise<string> {
  if (password.length < MIN_PASSWORD_LENGTH)
    throw new Error(`passwords need at least ${MIN_PASSWORD_LENGTH} characters`);
  return hashPassword(password);
}

interface CliContext {
  config: ServerConfig;
  logger: Logger;
}

const commands: Record<
  string,
  (repositories: Repositories, options: Options, db: SqliteDatabase, context: CliContext) => Promise<string>
> = {
  'audit:verify': async (_repositories, options, db, { config, logger }) => {
    const shipped =
      typeof options.checkpoint === 'string' ? parseShippedCheckpoint(options.checkpoint) : undefined;
    const result = await verifyStoredAudit(db, config, logger, shipped);
    const checkpoint = result.checkpoint
      ? ` (checkpoint: entry ${result.checkpoint.seq}, ${result.checkpoint.at})`
      : '';
    if (result.ok) return `audit log intact: ${result.entries} entries${checkpoint}`;
    process.exitCode = 3;
    return `audit log BROKEN at entry ${result.firstBrokenId}: ${result.why}${checkpoint}`;
  },
  'audit:reanchor': async (_repositories, options, db, { config, logger }) => {
    const note = required(options, 'note');
    const audit = openAuditLog(db, config, logger, false);
    const head = audit.reanchor(note);
    audit.close();
    return `audit log anchored at entry ${head.seq}: ${note}`;
  },
  backup: async (_repositories, options, db) => {
    const destination = required(options, 'to');
    await backupDatabase(db, destination);
    return `backup written to ${destination}`;
  },
  'participant:add': async (repositories, options) => {
    const kind = (options.kind ?? 'state') as ParticipantKind;
    if (!['state', 'organisation', 'eu-institution'].includes(kind)) throw new Error(`unknown kind ${kind}`);
    const code = required(options, 'code').toUpperCase();
    const created = repositories.participants.create({
      code,
      name: required(options, 'name'),
      kind,
      color: participantColor(code),
    });
    return `participant ${created.code} created (${created.id})`;
  },
  'participant:list': async (repositories) =>
    repositories.participants
      .list()
      .map((p) => `${p.code.padEnd(8)} ${p.kind.padEnd(15)} ${p.name}`)
      .join('\n'),
  'process:add': async (repositories, options) => {
    const created = repositories.processes.create(
      required(options, 'name'),
      String(options.description ?? ''),
    );
    return `process "${created.name}" created (${created.id})`;
  },
  'process:join': async (repositories, options) => {
    const role = required(options, 'role') as Role;
    if (!ROLES.includes(role)) throw new Error(`role must be one of ${ROLES.join(', ')}`);
    const process = processOf(repositories, required(options, 'process'));
    const participant = participantOf(repositories, required(options, 'participant').toUpperCase());
    repositories.processes.setParticipant(process.id, participant.id, role);
    return `${participant.code} takes part in "${process.name}" as ${role}`;
  },
  'user:add': async (repositories, options) => {
    const participant = participantOf(repositories, required(options, 'participant').toUpperCase());
    const id = repositories.users.create({
      email: required(options, 'email'),
      name: required(options, 'name'),
      participantId: participant.id,
      passwordHash: await checkedPasswordHash(required(options, 'password')),
      isAdmin: options.admin === true,
    });
    return `user ${required(options, 'email')} created (${id})`;
  },
  'user:list': async (repositories) =>
    repositories.users
      .list()
      .map(
        (u) =>
          `${u.email.padEnd(32)} ${u.participant.code.padEnd(8)} ${u.name}${u.isAdmin ? ' (admin)' : ''}`,
      )
      .join('\n'),
  'user:password': async (repositories, options) => {
    const user = repositories.users.findByEmail(required(options, 'email'));
    if (!user) throw new Error('no such user');
    repositories.users.setPasswordHash(
      user.profile.id,
      await checkedPasswordHash(required(options, 'password')),
    );
    repositories.sessions.deleteForUser(user.profile.id);
    return `password of ${user.profile.email} changed; their sessions were signed out`;
  },
  'document:add': async (repositories, options) => {
    const process = processOf(repositories, required(options, 'process'));
    const outline = { preamble: { heading: required(options, 'title'), paragraphs: [''] }, sections: [] };
    const id = repositories.documents.create(process.id, required(options, 'title'), encodeOutline(outline));
    return `document created: ${id}`;
  },
};

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  const run = command ? commands[command] : undefined;
  if (!run) {
    process.stdout.write(USAGE);
    return command ? 2 : 0;
  }
  const stringOption = { type: 'string' } as const;
  const { values } = parseArgs({
    args: rest,
    options: {
      code: stringOption,
      name: stringOption,
      kind: stringOption,
      description: stringOption,
      process: stringOption,
      participant: stringOption,
      role: stringOption,
      email: stringOption,
      password: stringOption,
      title: stringOption,
      to: stringOption,
      note: stringOption,
      checkpoint: stringOption,
      admin: { type: 'boolean' },
    },
  });
  const config = loadConfig(process.env, '');
  const logger = createLogger('warn', process.stderr);
  const db = openDatabase(config.dataDir, { synchronous: 'FULL' }, logger);
  try {
    process.stdout.write(`${await run(createRepositories(db), values, db, { config, logger })}\n`);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n`);
    return 1;
  } finally {
    db.close();
  }
}

process.exitCode = await main();
