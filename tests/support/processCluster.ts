/**
 * Several real Draftroom server processes (`ServerProcess`) on one host, as
 * a deployment of issue 15's intermediate step runs them: one DATA_DIR (the
 * SQLite file of the records, shared through WAL), one PostgreSQL
 * (`DATABASE_URL`: the documents' text) and one Redis (`REDIS_URL`: the bus
 * and the shared limits). The first process starts alone, so it seeds the
 * demo; the others start after it. Clients are stock y-websocket providers
 * and plain HTTP requests, pointed at whichever instance a test chooses, as
 * a load balancer would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageType, type ServerNotice } from '@draftroom/shared';
import * as decoding from 'lib0/decoding';
import type * as Y from 'yjs';
import { type CollabClient, clauseParagraphText, connectClient } from './collabClient';
import { clauseIdAt, plain } from './negotiationLive';
import { relayOnlyOwnPresence } from './ownPresence';
import { ServerProcess } from './serverProcess';
import type { SignedIn } from './testServer';
import { notExactlyOnce, tokensIn } from './tokenTypist';
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

/** `count` processes on one DATA_DIR, PostgreSQL and Redis; `dispose` kills them and deletes the directory. */
export class ProcessCluster {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'draftroom-cluster-'));
  readonly instances: ServerProcess[] = [];

  private constructor(private readonly options: ClusterOptions) {}

  /**
   * Starts the first process alone (it seeds the demo into the SQLite file), then the others at once;
   * with `together`, all at once on the empty directory (each may try to seed).
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
      ...this.options.env,
    };
  }

  /** Starts one more process on the cluster's directory and services; resolves once its /healthz answers 200. */
  async add(): Promise<ServerProcess> {
    const instance = await ServerProcess.start({ dataDir: this.dataDir, env: this.env });
    this.instances.push(instance);
    return instance;
  }

  at(index: number): ServerProcess {
    const instance = this.instances[index];
    if (!instance) throw new Error(`no instance ${index}`);
    return instance;
  }

  /** SIGKILLs every running process and deletes the shared directory (once, here, not per process). */
  async dispose(): Promise<void> {
    await Promise.all(this.instances.filter((i) => i.running).map((instance) => instance.kill()));
    rmSync(this.dataDir, { recursive: true, force: true });
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
 * in any copy of the clause.
 */
export class ClauseTypist {
  readonly typed: string[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly name: string,
    public client: ClusterClient,
    readonly clauseIndex: number,
    private readonly random: () => number,
  ) {}

  get text(): string {
    return plain(clauseParagraphText(this.client.doc, this.clauseIndex));
  }

  typeOne(): string {
    const token = `[${this.name}-${this.typed.length + 1}]`;
    const current = this.text;
    const boundaries = [0];
    for (let i = current.indexOf(']'); i !== -1; i = current.indexOf(']', i + 1)) boundaries.push(i + 1);
    const at = boundaries[Math.floor(this.random() * boundaries.length)] ?? 0;
    clauseParagraphText(this.client.doc, this.clauseIndex).insert(at, token);
    this.typed.push(token);
    return token;
  }

  /** Keeps typing one token every `minMs`–`maxMs` until stopped (also while disconnected, as a person would). */
  start(minMs = 15, maxMs = 45): void {
    const next = () => {
      this.timer = setTimeout(
        () => {
          this.typeOne();
          next();
        },
        minMs + this.random() * (maxMs - minMs),
      );
    };
    next();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Tokens of others in this client's copy: it can only have received them from a server. */
  receivedTokens(): string[] {
    const own = `[${this.name}-`;
    return tokensIn(this.text).filter((token) => !token.startsWith(own));
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
