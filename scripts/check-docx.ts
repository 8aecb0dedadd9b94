/**
 * `pnpm check:docx` (run with tsx): exports the demo Action Plan as a version
 * DOCX and, after a few edits, as a redline DOCX; converts both to PDF with
 * LibreOffice (headless) and checks that the PDFs hold the clause texts,
 * numbers, labels and fingerprint; re-saves the version DOCX with LibreOffice
 * and checks that verification recomputes the version's fingerprint from its
 * text; converts the tracked-changes redline to flat ODF and checks that
 * LibreOffice reads its insertions and deletions as tracked changes with
 * their authors; converts a compilation of amendments to PDF and checks
 * its amendment, sponsors, columns, justification and status. Exits 0 when all checks pass, 1 when one fails, 2 when
 * LibreOffice (soffice) or pdftotext (poppler-utils) is missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildCompilation, readCompilationText } from '../server/src/amendments/compilation';
import { exportCompilationDocx } from '../server/src/amendments/compilationDocx';
import { compareStructures } from '../server/src/compare/compareStructures';
import { configWith } from '../server/src/config';
import { encodeOutline } from '../server/src/content/outline';
import { type DocumentStructure, fingerprint, readDocumentStructure } from '../server/src/content/structure';
import { ACTION_PLAN_TITLE, actionPlanDraft } from '../server/src/demo/actionPlan';
import { exportComparisonDocx, exportVersionDocx, extractFingerprintFromDocx } from '../server/src/export';
import { uploadLimitsOf } from '../server/src/export/uploadLimits';
import { readDocxStructure } from '../server/src/verify/docxStructure';
import { readDocx } from '../server/src/verify/verification';
import { amendmentRecord } from '../tests/support/amendmentRecord';

type Yjs = typeof import('yjs');

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The server's own Yjs (ESM build), so that its `instanceof` checks hold for the documents made here. */
async function loadYjs(): Promise<Yjs> {
  const require = createRequire(join(root, 'server', 'package.json'));
  const packageFile = require.resolve('yjs/package.json');
  const manifest = JSON.parse(readFileSync(packageFile, 'utf8')) as { exports: { '.': { import: string } } };
  return (await import(pathToFileURL(join(dirname(packageFile), manifest.exports['.'].import)).href)) as Yjs;
}

function tool(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).status === 0;
}

let failures = 0;
function check(condition: boolean, description: string): void {
  console.log(`${condition ? 'ok  ' : 'FAIL'} ${description}`);
  if (!condition) failures++;
}

/** Edits the demo the way delegations would: a word edit, a move, an addition, a removal, a bracket. */
function editDemo(Y: Yjs, doc: import('yjs').Doc): void {
  const sections = doc
    .getXmlFragment('content')
    .toArray()
    .filter(
      (node): node is import('yjs').XmlElement => node instanceof Y.XmlElement && node.nodeName === 'section',
    );
  const [first, second] = sections as [import('yjs').XmlElement, import('yjs').XmlElement];
  const clauseText = (section: import('yjs').XmlElement, index: number) =>
    ((section.get(index + 1) as import('yjs').XmlElement).get(0) as import('yjs').XmlElement).get(
      0,
    ) as import('yjs').XmlText;
  doc.transact(() => {
    const training = clauseText(first, 1);
    training.insert(training.toString().indexOf(' and migration officials'), ' and coast guards');
    const readmission = clauseText(second, 0);
    const including = readmission.toString().indexOf(', including through joint readmission committees');
    readmission.delete(including, ', including through joint readmission committees'.length);
    const campaigns = clauseText(first, 4);
    campaigns.format(
      campaigns.toString().indexOf('on the risks'),
      'on the risks of irregular migration'.length,
      {
        bracket: { id: 'br-demo' },
      },
    );
    const moved = first.get(3) as import('yjs').XmlElement;
    const copy = moved.clone();
    first.delete(3, 1);
    second.insert(second.length, [copy]);
    second.delete(4, 1);
    const added = new Y.XmlElement('clause');
    added.setAttribute('id', 'cl-demo-added');
    const paragraph = new Y.XmlElement('paragraph');
    const text = new Y.XmlText();
    text.insert(0, 'Set up a network of national contact points on readmission.');
    paragraph.insert(0, [text]);
    added.insert(0, [paragraph]);
    second.insert(2, [added]);
  });
}

/** Converts `path` with LibreOffice to `target` (e.g. "fodt", "docx:MS Word 2007 XML") into `outDir`. */
function convert(path: string, target: string, outDir: string, profileDir: string): string | undefined {
  const run = spawnSync(
    'soffice',
    [
      `-env:UserInstallation=${pathToFileURL(profileDir).href}`,
      '--headless',
      '--convert-to',
      target,
      '--outdir',
      outDir,
      path,
    ],
    { encoding: 'utf8', timeout: 180_000 },
  );
  const output = join(outDir, (path.split('/').pop() ?? '').replace(/\.docx$/, `.${target.split(':')[0]}`));
  if (run.status !== 0 || !existsSync(output)) {
    console.log(run.stdout, run.stderr);
    return undefined;
  }
  return output;
}

/** A DOCX re-saved by LibreOffice still reads back to the version's fingerprint. */
async function checkResaved(docxPath: string, dir: string, profile: string, hash: string): Promise<void> {
  const outDir = join(dir, 'resaved');
  const resaved = convert(docxPath, 'docx:MS Word 2007 XML', outDir, profile);
  check(resaved !== undefined, 'LibreOffice re-saves the version DOCX');
  if (!resaved) return;
  const read = await readDocx(readFileSync(resaved), uploadLimitsOf(configWith({})));
  const structure = read.paragraphs
    ? readDocxStructure(read.paragraphs, { section: () => undefined, clause: () => undefined })
    : undefined;
  check(
    structure !== undefined && fingerprint(structure) === hash,
    'the re-saved DOCX reads back to the same fingerprint',
  );
}

/** LibreOffice reads the tracked redline's changes as tracked changes, with their authors. */
function checkTracked(docxPath: string, dir: string, profile: string): void {
  const flat = convert(docxPath, 'fodt', dir, profile);
  check(flat !== undefined, 'LibreOffice converts the tracked redline to flat ODF');
  if (!flat) return;
  const xml = readFileSync(flat, 'utf8');
  const regions = xml.match(/<text:changed-region[\s\S]*?<\/text:changed-region>/g) ?? [];
  check(xml.includes('<text:tracked-changes'), 'the flat ODF has text:tracked-changes');
  check(
    regions.some((region) => region.includes('<text:insertion>')),
    'LibreOffice sees tracked insertions',
  );
  check(
    regions.some((region) => region.includes('<text:deletion>')),
    'LibreOffice sees tracked deletions',
  );
  check(xml.includes('<dc:creator>Hungary (HU)</dc:creator>'), 'the tracked changes carry their author');
}

function pdfText(docxPath: string, outDir: string, profileDir: string): string | undefined {
  const conversion = spawnSync(
    'soffice',
    [
      `-env:UserInstallation=${pathToFileURL(profileDir).href}`,
      '--headless',
      '--convert-to',
      'pdf',
      '--outdir',
      outDir,
      docxPath,
    ],
    { encoding: 'utf8', timeout: 180_000 },
  );
  const pdfPath = docxPath.replace(/\.docx$/, '.pdf');
  check(
    conversion.status === 0 && existsSync(pdfPath),
    `LibreOffice converts ${docxPath.split('/').pop()} to PDF`,
  );
  if (!existsSync(pdfPath)) {
    console.log(conversion.stdout, conversion.stderr);
    return undefined;
  }
  const text = spawnSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' });
  check(text.status === 0, 'pdftotext reads the PDF');
  return text.stdout;
}

const squash = (text: string) => text.normalize('NFKC').replace(/\s+/g, ' ').trim();

function checkVersionPdf(text: string, structure: DocumentStructure, hash: string): void {
  const flat = squash(text);
  const clauses = structure.sections.flatMap((section) => section.clauses);
  const missing = clauses.filter((clause) => !flat.includes(squash(`${clause.number} ${clause.text}`)));
  check(
    missing.length === 0,
    `version PDF holds all ${clauses.length} numbered clause texts${missing.length ? ` (missing: ${missing.map((c) => c.number).join(', ')})` : ''}`,
  );
  const titles = structure.sections.every((section) =>
    flat.includes(squash(`${section.number}. ${section.title}`)),
  );
  check(titles, 'version PDF holds the numbered section titles');
  check(/Page 1 of \d+/.test(flat), 'version PDF footer has "Page 1 of N"');
  check(flat.includes(`SHA-256: ${hash}`), 'version PDF footer has the fingerprint');
}

function checkRedlinePdf(text: string): void {
  const flat = squash(text);
  for (const expected of [
    'Develop joint training for border guards and coast guards and migration officials',
    '[Moved from 1.3] Support the participating states, upon request',
    '[Added] Set up a network of national contact points on readmission.',
    '[Removed]',
    'including through joint readmission committees',
    'Comparison: Demo → Demo, edited',
  ]) {
    check(flat.includes(squash(expected)), `redline PDF holds "${expected}"`);
  }
}

/** A compilation of one amendment to the demo's clause 1.2, changing "migration officials" to "coast guards". */
async function compilationDocx(doc: import('yjs').Doc): Promise<Buffer> {
  const text = readCompilationText(doc);
  const clause = text.clauses[1];
  if (!clause) throw new Error('the demo has no clause 1.2');
  const amendment = amendmentRecord({
    id: 'am-demo',
    documentId: 'demo',
    clauseId: clause.id,
    clauseNumber: clause.number,
    baseText: clause.text,
    proposedText: clause.text.replace('migration officials', 'coast guards'),
    baseVersionLabel: 'Demo',
    justification: 'Coast guards take part in the training.',
    tabledAt: new Date().toISOString(),
    cosponsors: [
      {
        participantCode: 'MD',
        by: { userId: 'm', name: 'M', participantCode: 'MD' },
        at: new Date().toISOString(),
      },
    ],
  });
  const compilation = buildCompilation({
    documentId: 'demo',
    title: ACTION_PLAN_TITLE,
    generatedAt: new Date().toISOString(),
    text,
    amendments: [amendment],
    filters: {},
  });
  return exportCompilationDocx({ compilation, processName: 'Prague Process' });
}

function checkCompilationPdf(text: string): void {
  const flat = squash(text);
  for (const expected of [
    'Compilation of amendments',
    'AM 1 Change wording',
    'Proponent: UA · Co-sponsors: MD',
    'Text as tabled against Amendment',
    'Justification: Coast guards take part in the training.',
    'Status: Tabled',
  ]) {
    check(flat.includes(squash(expected)), `compilation PDF holds "${expected}"`);
  }
}

async function main(): Promise<number> {
  if (!tool('soffice') || !tool('pdftotext')) {
    console.error(
      'check:docx needs LibreOffice (soffice) and pdftotext: apt-get install libreoffice-writer-nogui poppler-utils',
    );
    return 2;
  }
  const Y = await loadYjs();
  const doc = new Y.Doc();
  Y.applyUpdate(doc, encodeOutline(actionPlanDraft));
  const before = readDocumentStructure(doc);
  const compilation = await compilationDocx(doc);
  editDemo(Y, doc);
  const after = readDocumentStructure(doc);
  const dir = mkdtempSync(join(tmpdir(), 'draftroom-docx-'));
  try {
    const hash = fingerprint(before);
    const version = await exportVersionDocx({
      title: ACTION_PLAN_TITLE,
      processName: 'Prague Process',
      versionLabel: 'Demo',
      date: new Date(),
      fingerprint: hash,
      structure: before,
    });
    check(
      (await extractFingerprintFromDocx(version, uploadLimitsOf(configWith({})))) === hash,
      'the fingerprint reads back from the version DOCX',
    );
    const comparison = compareStructures({ structure: before }, { structure: after });
    const redline = await exportComparisonDocx({
      title: ACTION_PLAN_TITLE,
      beforeLabel: 'Demo',
      afterLabel: 'Demo, edited',
      comparison,
      changedOnly: false,
    });
    const tracked = await exportComparisonDocx({
      title: ACTION_PLAN_TITLE,
      beforeLabel: 'Demo',
      afterLabel: 'Demo, edited',
      comparison,
      changedOnly: true,
      form: 'tracked',
      revisionOf: () => ({ author: 'Hungary (HU)', date: '2026-11-30T00:53:43.935Z' }),
    });
    writeFileSync(join(dir, 'version.docx'), version);
    writeFileSync(join(dir, 'redline.docx'), redline);
    writeFileSync(join(dir, 'tracked.docx'), tracked);
    writeFileSync(join(dir, 'compilation.docx'), compilation);
    const profile = join(dir, 'profile');
    await checkResaved(join(dir, 'version.docx'), dir, profile, hash);
    checkTracked(join(dir, 'tracked.docx'), dir, profile);
    const versionText = pdfText(join(dir, 'version.docx'), dir, profile);
    if (versionText !== undefined) checkVersionPdf(versionText, before, hash);
    const redlineText = pdfText(join(dir, 'redline.docx'), dir, profile);
    if (redlineText !== undefined) checkRedlinePdf(redlineText);
    const compilationText = pdfText(join(dir, 'compilation.docx'), dir, profile);
    if (compilationText !== undefined) checkCompilationPdf(compilationText);
  } finally {
    if (process.env.KEEP_DOCX) console.log(`files kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
  console.log(failures === 0 ? 'check:docx passed' : `check:docx: ${failures} check(s) failed`);
  return failures === 0 ? 0 : 1;
}

process.exit(await main());
