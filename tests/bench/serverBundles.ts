/**
 * The servers under test run as plain `node` on a JavaScript bundle, the way
 * production runs ours (`pnpm build`: server/build.mjs bundles the server
 * with esbuild, npm dependencies external, and `pnpm serve` runs
 * `node server/dist/main.js`). Each server script is bundled once per bench
 * run with the same esbuild settings.
 *
 * Why not `--import tsx` in the server's process: the TypeScript loader keeps
 * every transpiled module and its source map, which cost ours (about 200
 * TypeScript files) 45 MB of RSS at idle (152 MB under tsx, 105 MB bundled,
 * measured 30 Nov) and the reference (a JavaScript package behind a small
 * TypeScript wrapper) far less: peak-RSS comparisons measured the loader.
 */
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

type Kind = 'draftroom' | 'reference';

/** The part of esbuild's API used here (esbuild is a dependency of the server package, not of tests). */
interface Esbuild {
  build(options: Record<string, unknown>): Promise<unknown>;
}

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..');

/**
 * Per server: its script, and the package whose node_modules resolves the
 * bundle's external imports (the bundle is written inside it, so Node finds them).
 */
const SOURCES: Record<Kind, { script: string; packageDir: string }> = {
  draftroom: { script: join(here, 'servers', 'draftroomServer.ts'), packageDir: join(repoRoot, 'server') },
  reference: { script: join(here, 'servers', 'referenceServer.ts'), packageDir: join(repoRoot, 'tests') },
};

const built = new Map<Kind, Promise<string>>();

/** npm dependencies of a package: external to its bundle (workspace packages are bundled from source). */
function externalsOf(packageDir: string): string[] {
  const pkg = createRequire(join(packageDir, 'package.json'))('./package.json') as {
    dependencies?: Record<string, string>;
  };
  return Object.keys(pkg.dependencies ?? {}).filter((name) => !name.startsWith('@draftroom/'));
}

async function build(kind: Kind): Promise<string> {
  const { script, packageDir } = SOURCES[kind];
  const esbuild = createRequire(join(repoRoot, 'server', 'package.json'))('esbuild') as Esbuild;
  const outfile = join(packageDir, 'node_modules', '.cache', 'draftroom-bench', `${kind}-${process.pid}.mjs`);
  await esbuild.build({
    entryPoints: [script],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    external: externalsOf(packageDir),
    // tests/bench/traces.ts finds its data next to itself.
    define: { 'import.meta.url': JSON.stringify(pathToFileURL(join(here, 'traces.ts')).href) },
    logLevel: 'warning',
  });
  process.once('exit', () => rmSync(outfile, { force: true }));
  return outfile;
}

/** The path of `kind`'s bundled server script (built on first use in this process). */
export function serverBundle(kind: Kind): Promise<string> {
  let bundle = built.get(kind);
  if (!bundle) {
    bundle = build(kind);
    built.set(kind, bundle);
  }
  return bundle;
}

/**
 * What to run for `kind`: its bundle under plain `node`, or with
 * BENCH_TSX=1 its TypeScript script under `--import tsx` (how the bench ran
 * the servers until 30 Nov, to compare with figures of that time).
 */
export async function serverCommand(kind: Kind): Promise<{ script: string; execArgv: string[] }> {
  if (process.env.BENCH_TSX === '1') return { script: SOURCES[kind].script, execArgv: ['--import', 'tsx'] };
  return { script: await serverBundle(kind), execArgv: [] };
}
