/**
 * Several real Draftroom server processes (`ServerProcess`) as a production
 * deployment runs them (issue 15): each with a DATA_DIR of its own, as on
 * hosts of their own, sharing nothing but one PostgreSQL (`DATABASE_URL`:
 * the text and every record), one Redis (`REDIS_URL`: the bus and the shared
 * limits) and the audit key (`AUDIT_KEY`). The first process starts alone, so
 * it seeds the demo into PostgreSQL; the others start after it (or all at
 * once, `together`: one seeds, under a lock). Clients are stock y-websocket
 * providers and plain HTTP requests, pointed at whichever instance a test
 * chooses, as a load balancer would.
 */
import { randomBytes } from 'node:crypto';
import { MessageType, type ServerNotice } from '@draftroom/shared';
import * as decoding from 'lib0/decoding';
import { afterEach } from 'vitest';
import type * as Y from 'yjs';
import { type CollabClient, clauseParagraphText, connectClient } from './collabClient';
import { clauseIdAt, plain } from './negotiationLive';
import { relayOnlyOwnPresence } from './ownPresence';
import { ServerProcess } from './serverProcess';
import type { SignedIn } from './testServer';
import { notExactlyOnce, TokenTypist } from './tokenTypist';
import { waitFor } from './waitFor';

export interface ClusterOptions {
  databaseUrl: string;
  redisUrl: string;
  /** Extra environment for every process (e.g. MAX_CONNECTIONS_PER_USER). */
  env?: Record<string, string>;
}

/** An HTTP answer: status and parsed JSON body (or the text, or null). */
export interface HttpAnswer {
  status: number;
  body: unknown;
}

/** A request to one instance's API, with a session's cookie and CSRF token for writes. */
export async function call(
  instance: ServerProcess,
  method: string,
  path: string,
  session?: SignedIn,
  body?: unknown,
): Promise<HttpAnswer> {
  const headers: Record<string, string> = {};
  if (session) headers.cookie = session.cookie;
  if (session && method !== 'GET') headers['x-csrf-token'] = session.csrfToken;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${instance.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  return { status: response.status, body: parsed };
}

/** `count` processes on one PostgreSQL and Redis; `dispose` kills them and deletes their directories. */
export class ProcessCluster {
  readonly instances: ServerProcess[] = [];
  /** The audit MAC key every instance shares (AUDIT_KEY), as a deployment's would: one chain, one key. */
  private readonly auditKey = randomBytes(32).toString('base64');

  private constructor(private readonly options: ClusterOptions) {}

  /**
   * Starts the first process alone (it seeds the demo into PostgreSQL), then the others at once;
   * with `together`, all at once on the empty database (each tries to seed; one does).
   */
  static async start(
    count: number,
    options: ClusterOptions,
    { together = false } = {},
  ): Promise<ProcessCluster> {
    const cluster = new ProcessCluster(options);
    try {
      if (!together) await cluster.add();
      const others = together ? count : count - 1;
      await Promise.all(Array.from({ length: others }, () => cluster.add()));
    } catch (error) {
      await cluster.dispose();
      throw error;
    }
    return cluster;
  }

  /** The environment every process gets. */
  get env(): Record<string, string> {
    return {
      DATABASE_URL: this.options.databaseUrl,
      REDIS_URL: this.options.redisUrl,
      AUDIT_KEY: this.auditKey,
      ...this.options.env,
    };
  }

  /** Starts one more process (a DATA_DIR of its own) on the cluster's services; resolves once its /healthz answers 200. */
  async add(): Promise<ServerProcess> {
    const instance = await ServerProcess.start({ env: this.env });
    this.instances.push(instance);
    return instance;
  }

  at(index: number): ServerProcess {
    const instance = this.instances[index];
    if (!instance) throw new Error(`no instance ${index}`);
    return instance;
  }

  /** SIGKILLs every running process and deletes each one's directory. */
  async dispose(): Promise<void> {
    await Promise.all(this.instances.map((instance) => instance.dispose()));
  }
}

/** A stock provider relaying only its own presence and recording Draftroom notices (type 8). */
export interface ClusterClient extends CollabClient {
  notices: ServerNotice[];
  /** The session cookie it connected with (kept for reconnecting elsewhere). */
  cookie: string;
}

/** Connects a well-behaved provider to `instance` (optionally with a Y.Doc it already holds); does not wait. */
export function connectTo(
  instance: ServerProcess,
  documentId: string,
  cookie: string,
  doc?: Y.Doc,
): ClusterClient {
  const client = relayOnlyOwnPresence(
    connectClient(instance.wsUrl, documentId, cookie, doc),
  ) as ClusterClient;
  client.notices = [];
  client.cookie = cookie;
  client.provider.messageHandlers[MessageType.Notice] = (_encoder, decoder) => {
    client.notices.push(JSON.parse(decoding.readVarString(decoder)) as ServerNotice);
  };
  return client;
}

/** Connects and waits until the provider is synced. */
export async function connectSyncedTo(
  instance: ServerProcess,
  documentId: string,
  cookie: string,
  doc?: Y.Doc,
): Promise<ClusterClient> {
  const client = connectTo(instance, documentId, cookie, doc);
  await waitFor(() => client.provider.synced, {
    timeoutMs: 20_000,
    what: `provider synced on ${instance.url}`,
  });
  return client;
}

/**
 * What a load balancer does when a client's instance goes: the client's
 * provider is closed and a new one on `instance` takes the same Y.Doc (so
 * whatever it typed and the server had not stored is sent again by its sync).
 */
export function moveTo(client: ClusterClient, instance: ServerProcess, documentId: string): ClusterClient {
  const { doc } = client;
  client.provider.destroy();
  return connectTo(instance, documentId, client.cookie, doc);
}

/**
 * Types unique tokens `[c<n>-<k>]` into one clause's first paragraph, each at
 * a random token boundary, so every token stays contiguous and can be counted
 * in any copy of the clause (a TokenTypist on that clause; `client` is
 * replaced when the client moves to another instance).
 */
export class ClauseTypist extends TokenTypist {
  declare client: ClusterClient;

  constructor(
    name: string,
    client: ClusterClient,
    readonly clauseIndex: number,
    random: () => number,
  ) {
    super(name, client, random);
  }

  override get text(): string {
    return plain(clauseParagraphText(this.client.doc, this.clauseIndex));
  }

  protected override target(): Y.XmlText {
    return clauseParagraphText(this.client.doc, this.clauseIndex);
  }
}

/** The clause's text as a fresh provider on `instance` loads it (the stored text, through that instance). */
export async function clauseTextThrough(
  instance: ServerProcess,
  documentId: string,
  cookie: string,
  clauseIndex: number,
): Promise<string> {
  const fresh = await connectSyncedTo(instance, documentId, cookie);
  try {
    return plain(clauseParagraphText(fresh.doc, clauseIndex));
  } finally {
    fresh.destroy();
  }
}

/** The id of the clause at `index`, read from a client's copy. */
export function clauseIdOfClient(client: ClusterClient, index: number): string {
  return clauseIdAt(client.doc, index);
}

/**
 * Waits until every typist's copy of the clause is one text holding each
 * typed token exactly once, and a fresh load through `reader` is that text;
 * returns it. Throws (with what is missing or duplicated) at the deadline.
 */
export async function convergedEverywhere(
  typists: readonly ClauseTypist[],
  reader: ServerProcess,
  documentId: string,
  cookie: string,
  timeoutMs = 30_000,
): Promise<string> {
  const typed = typists.flatMap((typist) => typist.typed);
  const clauseIndex = typists[0]?.clauseIndex ?? 0;
  let last = '';
  try {
    return await waitFor(
      async () => {
        const first = typists[0]?.text ?? '';
        last = first;
        if (!typists.every((typist) => typist.text === first)) return undefined;
        const { missing, duplicated } = notExactlyOnce(first, typed);
        if (missing.length > 0 || duplicated.length > 0) return undefined;
        const stored = await clauseTextThrough(reader, documentId, cookie, clauseIndex);
        return stored === first ? stored : undefined;
      },
      { timeoutMs, intervalMs: 100, what: 'every copy and the store holding every token exactly once' },
    );
  } catch (error) {
    const { missing, duplicated } = notExactlyOnce(last, typed);
    throw new Error(
      `${(error as Error).message}: missing ${missing.join(' ')}; duplicated ${duplicated.join(' ')}`,
    );
  }
}

/** A file's typists: each stopped and its client destroyed after every test of the file. */
export function typistsStoppedAfterEach(): ClauseTypist[] {
  const typists: ClauseTypist[] = [];
  afterEach(() => {
    for (const typist of typists.splice(0)) {
      typist.stop();
      typist.client.destroy();
    }
  });
  return typists;
}
