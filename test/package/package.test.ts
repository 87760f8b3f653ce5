import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../report/load-fixture.js';

/**
 * Issue 17, point 6: statebench as a package. The tarball holds the library, the replicas'
 * program, the scenarios and the schema, and nothing else; the public API is the `exports` map's
 * one entry, every export documented; the examples of README.md and docs/library.md run against
 * the package imported by name from a temporary project; `npm install -g .` runs no install script.
 */

const run = promisify(execFile);
const root = path.resolve('.');
const dir = mkdtempSync(path.join(tmpdir(), 'statebench-package-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A project that depends on statebench the way `npm install statebench` would leave it: node_modules/statebench. */
const project = path.join(dir, 'project');
mkdirSync(path.join(project, 'node_modules'), { recursive: true });
writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'uses-statebench', type: 'module', private: true }));
symlinkSync(root, path.join(project, 'node_modules', 'statebench'), 'dir');

/** The ```js blocks of a Markdown file that import from 'statebench'. */
function examples(file: string): string[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  return [...text.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]).filter((code) => /from 'statebench'/.test(code));
}

async function node(code: string, name: string, args: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
  const file = path.join(project, `${name}.mjs`);
  writeFileSync(file, code);
  try {
    const { stdout, stderr } = await run(process.execPath, [file, ...args], { cwd: project, timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('the tarball', () => {
  it('holds the library, the replicas\' program, the scenarios and the schema; no benchmarks, tests or source maps', async () => {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, timeout: 60_000 });
    const files = (JSON.parse(stdout) as { files: { path: string }[] }[])[0].files.map((f) => f.path);
    expect(files.filter((f) => f.startsWith('dist/bench') || f.startsWith('bench/'))).toEqual([]);
    expect(files.filter((f) => /(^|\/)test\/|\.test\.|\.map$|^src\//.test(f))).toEqual([]);
    for (const needed of ['package.json', 'README.md', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/main.js', 'dist/targets/server.js', 'scenarios/kill-one-replica.yaml', 'schema/scenario.schema.json']) {
      expect(files, needed).toContain(needed);
    }
  });

  it('has no install-time script, so `npm install -g .` runs nothing and warns about nothing', async () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string; scripts: Record<string, string> };
    for (const script of ['preinstall', 'install', 'postinstall', 'prepare']) expect(pkg.scripts[script], script).toBeUndefined();
    const prefix = path.join(dir, 'global');
    const { stderr } = await run('npm', ['install', '-g', '.', '--prefix', prefix, '--no-audit', '--no-fund'], { cwd: root, timeout: 120_000 });
    expect(stderr).not.toMatch(/install-scripts|warn/i);
    const { stdout } = await run(path.join(prefix, 'bin', 'statebench'), ['--version'], { timeout: 30_000 });
    expect(stdout.trim()).toBe(pkg.version);
  });
});

describe('the public API', () => {
  it('is the exports map\'s entry alone: internals cannot be deep-imported', async () => {
    const r = await node(
      [
        "const api = await import('statebench');",
        "console.log(typeof api.renderHtml, typeof api.runScenario, typeof api.loadScenario);",
        "console.log((await import('statebench/package.json', { with: { type: 'json' } })).default.name);",
        "await import('statebench/dist/src/cli.js').catch((e) => console.log(e.code));",
      ].join('\n'),
      'api',
    );
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')).toEqual(['function function function', 'statebench', 'ERR_PACKAGE_PATH_NOT_EXPORTED', '']);
  });

  it('documents every export (TSDoc), in the declarations the package ships', () => {
    // The built .d.ts, not the sources: it is what an editor shows a user, and far quicker to load.
    const entry = path.join(root, 'dist/src/index.d.ts');
    const program = ts.createProgram([entry], {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      skipLibCheck: true,
      noEmit: true,
      types: [],
    });
    const checker = program.getTypeChecker();
    const exports = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(entry)!)!);
    const undocumented = exports
      .map((symbol) => (symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol))
      .filter((symbol) => ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim() === '')
      .map((symbol) => symbol.name);
    expect(exports.map((s) => s.name)).toEqual(expect.arrayContaining(['runScenario', 'loadScenario', 'renderHtml', 'renderTimelineCsv', 'compareResults']));
    expect(undocumented).toEqual([]);
  });
});

describe('the documented examples, run against the package', () => {
  it('README.md and docs/library.md: run a scenario', async () => {
    const runs = [...examples('README.md'), ...examples('docs/library.md')].filter((code) => code.includes('runScenario('));
    expect(runs.length).toBeGreaterThanOrEqual(2);
    // The same example in both; run it once, and check the copies agree.
    expect(new Set(runs.map((c) => c.trim())).size).toBe(1);
    const r = await node(runs[0], 'run-example');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^statebench · ad-hoc\n/);
    expect(r.stdout).toMatch(/│ req\/s +│ +[\d,]+ │ +[\d,]+ │/);
  });

  it('docs/library.md: reports and a comparison from saved results', async () => {
    const [code] = examples('docs/library.md').filter((c) => c.includes('compareResults('));
    const r = await node(code, 'compare-example', [fixturePath('noise-baseline'), fixturePath('noise-store-latency')]);
    expect(r.code, r.stderr).toBe(99);
    expect(r.stdout).toMatch(/^## statebench compare: /);
    expect(readFileSync(path.join(project, 'current.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/);
    expect(readFileSync(path.join(project, 'current.csv'), 'utf8')).toMatch(/^architecture,repetition,second,/);
  });

  it('docs/library.md: invalid input, printed as the page says', async () => {
    const [code] = examples('docs/library.md').filter((c) => c.includes('InvalidInputError'));
    const r = await node(code, 'invalid-example');
    expect(r.code, r.stderr).toBe(0);
    const page = readFileSync(path.join(root, 'docs/library.md'), 'utf8');
    const printed = /prints\n\n```text\n([\s\S]*?)```/.exec(page)![1];
    expect(r.stdout).toBe(printed);
    expect(existsSync(path.join(project, 'node_modules', 'statebench', 'dist', 'src', 'index.js'))).toBe(true);
  });
});
