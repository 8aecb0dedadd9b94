import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type ParticipantKind, ROLES, type Role } from '@draftroom/shared';
import { loadAuditKey } from '../audit/auditKey';
import { parseShippedCheckpoint } from '../audit/auditShipped';
import { auditAnchorPath, openAuditLog, verifyStoredAudit } from '../audit/openAuditLog';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../auth/passwords';
import { loadConfig, type ServerConfig } from '../config';
import { encodeOutline } from '../content/outline';
import { participantColor } from '../demo/participants';
import { createLogger, type Logger } from '../logger';
import { backupDatabase } from '../store/backup';
import { formatImportReport, type ImportSqliteOptions, importSqlite } from '../store/postgres/importSqlite';
import type { RecordStores } from '../store/recordStores';
import { type CliStores, openCliStores } from './cliStores';

const USAGE = `Draftroom admin (the server's stores: PostgreSQL when DATABASE_URL is set, else the SQLite file
of DATA_DIR, default ./data)

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
  pnpm admin backup --to FILE      online backup of the SQLite file (safe while the server runs); with
                                   DATABASE_URL refused: back PostgreSQL up with pg_dump
  pnpm admin import-sqlite --from DATA_DIR [--anchor FILE] [--accept-broken-audit]
                                   with DATABASE_URL and the embedded server stopped: copies everything of
                                   DATA_DIR/draftroom.db (ids, numbers, times, texts, the audit chain) into
                                   the empty PostgreSQL database, in one transaction. AUDIT_KEY must be the
                                   embedded server's key (its DATA_DIR/audit.key: AUDIT_KEY="hex:$(cat …)");
                                   --anchor: its anchor file if not DATA_DIR/audit-anchors.jsonl
`;

type Options = Record<string, string | boolean | undefined>;

function required(options: Options, name: string): string {
  const value = options[name];
  if (typeof value !== 'string' || value.trim() === '') throw new Error(`--${name} is required`);
  return value.trim();
}

async function participantOf(records: RecordStores, code: string) {
  const participant = await records.participants.findByCode(code);
  if (!participant) throw new Error(`no participant with code ${code}`);
  return participant;
}

async function processOf(records: RecordStores, name: string) {
  const process = await records.processes.findByName(name);
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

/** One command: its output line(s), or an Error with what went wrong. */
type Command = (stores: CliStores, options: Options, context: CliContext) => Promise<string>;

const auditCommands: Record<string, Command> = {
  'audit:verify': async ({ records }, options, { config, logger }) => {
    const shipped =
      typeof options.checkpoint === 'string' ? parseShippedCheckpoint(options.checkpoint) : undefined;
    const result = await verifyStoredAudit(records.audit, config, logger, shipped);
    const checkpoint = result.checkpoint
      ? ` (checkpoint: entry ${result.checkpoint.seq}, ${result.checkpoint.at})`
      : '';
    if (result.ok) return `audit log intact: ${result.entries} entries${checkpoint}`;
    process.exitCode = 3;
    return `audit log BROKEN at entry ${result.firstBrokenId}: ${result.why}${checkpoint}`;
  },
  'audit:reanchor': async (stores, options, { config, logger }) => {
    const note = required(options, 'note');
    const schema = await stores.auditSchema();
    const audit = openAuditLog(stores.records.audit, schema, config, logger, { createKey: false });
    const head = await audit.reanchor(note);
    await audit.close();
    return `audit log anchored at entry ${head.seq}: ${note}`;
  },
  backup: async (stores, options) => {
    const destination = required(options, 'to');
    if (stores.kind === 'postgres')
      throw new Error('with DATABASE_URL the records and texts are in PostgreSQL: back it up with pg_dump');
    await backupDatabase(stores.sqlite(), destination);
    return `backup written to ${destination}`;
  },
};

const identityCommands: Record<string, Command> = {
  'participant:add': async ({ records }, options) => {
    const kind = (options.kind ?? 'state') as ParticipantKind;
    if (!['state', 'organisation', 'eu-institution'].includes(kind)) throw new Error(`unknown kind ${kind}`);
    const code = required(options, 'code').toUpperCase();
    const created = await records.participants.create({
      code,
      name: required(options, 'name'),
      kind,
      color: participantColor(code),
    });
    return `participant ${created.code} created (${created.id})`;
  },
  'participant:list': async ({ records }) =>
    (await records.participants.list())
      .map((p) => `${p.code.padEnd(8)} ${p.kind.padEnd(15)} ${p.name}`)
      .join('\n'),
  'user:add': async ({ records }, options) => {
    const participant = await participantOf(records, required(options, 'participant').toUpperCase());
    const id = await records.users.create({
      email: required(options, 'email'),
      name: required(options, 'name'),
      participantId: participant.id,
      passwordHash: await checkedPasswordHash(required(options, 'password')),
      isAdmin: options.admin === true,
    });
    return `user ${required(options, 'email')} created (${id})`;
  },
  'user:list': async ({ records }) =>
    (await records.users.list())
      .map(
        (u) =>
          `${u.email.padEnd(32)} ${u.participant.code.padEnd(8)} ${u.name}${u.isAdmin ? ' (admin)' : ''}`,
      )
      .join('\n'),
  'user:password': async ({ records }, options) => {
    const user = await records.users.findByEmail(required(options, 'email'));
    if (!user) throw new Error('no such user');
    const passwordHash = await checkedPasswordHash(required(options, 'password'));
    await records.users.setPasswordHash(user.profile.id, passwordHash);
    // Open sockets of those sessions are closed by the servers' session sweep.
    await records.sessions.deleteForUser(user.profile.id);
    return `password of ${user.profile.email} changed; their sessions were signed out`;
  },
};

const processCommands: Record<string, Command> = {
  'process:add': async ({ records }, options) => {
    const name = required(options, 'name');
    const created = await records.processes.create(name, String(options.description ?? ''));
    return `process "${created.name}" created (${created.id})`;
  },
  'process:join': async ({ records }, options) => {
    const role = required(options, 'role') as Role;
    if (!ROLES.includes(role)) throw new Error(`role must be one of ${ROLES.join(', ')}`);
    const process = await processOf(records, required(options, 'process'));
    const participant = await participantOf(records, required(options, 'participant').toUpperCase());
    await records.processes.setParticipant(process.id, participant.id, role);
    return `${participant.code} takes part in "${process.name}" as ${role}`;
  },
  'document:add': async ({ records }, options) => {
    const process = await processOf(records, required(options, 'process'));
    const title = required(options, 'title');
    const outline = { preamble: { heading: title, paragraphs: [''] }, sections: [] };
    // The initial text is stored with the document record (in PostgreSQL too, where the servers read it).
    const id = await records.documents.create(process.id, title, encodeOutline(outline));
    return `document created: ${id}`;
  },
};

const importCommands: Record<string, Command> = {
  'import-sqlite': async (stores, options, { config, logger }) => {
    if (!stores.pool)
      throw new Error(
        'import-sqlite copies into PostgreSQL: set DATABASE_URL (and AUDIT_KEY) of the servers',
      );
    const importOptions: ImportSqliteOptions = {
      from: resolve(required(options, 'from')),
      anchorFrom: typeof options.anchor === 'string' ? resolve(options.anchor) : undefined,
      key: loadAuditKey({ auditKey: config.auditKey, dataDir: config.dataDir }, logger, false),
      anchorTo: auditAnchorPath(config),
      acceptBrokenAudit: options['accept-broken-audit'] === true,
    };
    const report = await importSqlite(stores.pool, importOptions, logger);
    return formatImportReport(report, importOptions);
  },
};

const commands: Record<string, Command> = {
  ...auditCommands,
  ...identityCommands,
  ...processCommands,
  ...importCommands,
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
      from: stringOption,
      anchor: stringOption,
      admin: { type: 'boolean' },
      'accept-broken-audit': { type: 'boolean' },
    },
  });
  const config = loadConfig(process.env, '');
  const logger = createLogger('warn', process.stderr);
  let stores: CliStores | undefined;
  try {
    stores = await openCliStores(config, logger);
    process.stdout.write(`${await run(stores, values, { config, logger })}\n`);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await stores?.close();
  }
}

process.exitCode = await main();
