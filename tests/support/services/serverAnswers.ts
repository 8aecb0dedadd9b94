import type { VersionSummary } from '@draftroom/shared';
import { DEMO, type SignedIn, type TestServer } from '../testServer';

/**
 * What a server answers through its HTTP API about its records — accounts,
 * documents, the negotiation, comments, amendments, versions and their
 * comparison, meetings, mentions, the audit log — as JSON, ids and times
 * included: equal for two servers holding the same records (the embedded
 * server before `import-sqlite`, the PostgreSQL one after it).
 */
export interface ServerAnswers {
  /** Every demo account signed in with its password (a sign-in that fails throws). */
  signedIn: Record<string, SignedIn>;
  /** The answers by request path (and user, where several are asked). */
  answers: Record<string, unknown>;
  /** The audit entries, oldest first. */
  audit: { id: number }[];
}

async function getJson(server: TestServer, who: SignedIn, path: string): Promise<unknown> {
  const response = await fetch(`${server.url}${path}`, { headers: { cookie: who.cookie } });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text);
}

/** Every audit entry, oldest first, read page by page (500 a page, newest first). */
async function auditEntries(server: TestServer, admin: SignedIn): Promise<{ id: number }[]> {
  const entries: { id: number }[] = [];
  let before = '';
  for (;;) {
    const page = (await getJson(server, admin, `/api/admin/audit?limit=500${before}`)) as { id: number }[];
    entries.push(...page);
    const last = page.at(-1);
    if (!last || page.length < 500) return entries.reverse();
    before = `&before=${last.id}`;
  }
}

/** The versions' answers: the list, each version, and comparisons between the first, the second newest and the newest. */
async function versionAnswers(
  server: TestServer,
  who: SignedIn,
  documentId: string,
): Promise<Record<string, unknown>> {
  const base = `/api/documents/${documentId}`;
  const list = (await getJson(server, who, `${base}/versions`)) as VersionSummary[];
  const answers: Record<string, unknown> = { versions: list };
  for (const version of list)
    answers[`version ${version.id}`] = await getJson(server, who, `${base}/versions/${version.id}`);
  const [newest, secondNewest] = list;
  const oldest = list.at(-1);
  for (const from of [oldest, secondNewest]) {
    if (!from || !newest || from.id === newest.id) continue;
    const query = new URLSearchParams({ from: from.id, to: newest.id });
    answers[`compare ${from.id}..${newest.id}`] = await getJson(server, who, `${base}/compare?${query}`);
  }
  return answers;
}

/**
 * Signs every demo account in (same passwords) and reads what they see of `documentId` and what
 * the administrator sees of every record. Asks nothing that opens the document's room (no socket,
 * no comparison with the current text), so a server stopped afterwards compacts nothing.
 */
export async function serverAnswers(server: TestServer, documentId: string): Promise<ServerAnswers> {
  const signedIn: Record<string, SignedIn> = {};
  for (const email of Object.values(DEMO)) signedIn[email] = await server.signIn(email);
  const as = (email: string) => signedIn[email] as SignedIn;
  const pen = as(DEMO.penHolder);
  const admin = as(DEMO.admin);
  const base = `/api/documents/${documentId}`;
  const answers: Record<string, unknown> = {};
  for (const email of Object.values(DEMO)) {
    answers[`documents of ${email}`] = await getJson(server, as(email), '/api/documents');
    answers[`mentions of ${email}`] = await getJson(server, as(email), '/api/me/mentions');
  }
  for (const path of ['', '/negotiation', '/amendments', '/meetings']) {
    answers[path] = await getJson(server, pen, `${base}${path}`);
  }
  answers['negotiation of the commenter'] = await getJson(server, as(DEMO.commenter), `${base}/negotiation`);
  const state = answers['/negotiation'] as {
    statuses: { clauseId: string }[];
    positions: { clauseId: string }[];
  };
  for (const clauseId of new Set([...state.statuses, ...state.positions].map((entry) => entry.clauseId))) {
    answers[`history ${clauseId}`] = await getJson(server, pen, `${base}/clauses/${clauseId}/history`);
  }
  Object.assign(answers, await versionAnswers(server, pen, documentId));
  for (const path of ['participants', 'users', 'processes', 'documents', `documents/${documentId}/roles`]) {
    answers[`admin ${path}`] = await getJson(server, admin, `/api/admin/${path}`);
  }
  return { signedIn, answers, audit: await auditEntries(server, admin) };
}
