import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli.js';
import { planOutputs } from '../../src/commands/outputs.js';
import { DEFAULT_SCENARIO } from '../../src/commands/run.js';
import { resolveScenarioSource } from '../../src/commands/scenario-source.js';
import { readResultFile } from '../../src/report/read-result.js';
import { fixturePath } from '../report/load-fixture.js';
import { ARCHITECTURES } from '../../src/architectures/index.js';
import { FAULTS } from '../../src/faults/index.js';
import { THRESHOLD_METRIC_NAMES } from '../../src/scenario/thresholds.js';

/**
 * Issue 17, point 7: the README is a front door under 15 KB, its commands are real, and no link
 * in it or in docs/ points nowhere. Each `node dist/src/main.js …` command of a ```sh block is
 * parsed by the real commander program and taken as far as it goes before starting anything
 * (the scenario resolved and validated, the outputs planned), so a renamed flag, a scenario that
 * no longer validates or two outputs on stdout fail here.
 */

const root = path.resolve('.');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

/** Words of a shell command line: quotes honoured, `# comment` dropped. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(#.*$)|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line)) !== null) {
    if (m[3] !== undefined) break;
    words.push(m[1] ?? m[2] ?? m[4]);
  }
  return words;
}

describe('README.md', () => {
  it('is under 15 KB', () => {
    expect(Buffer.byteLength(readme)).toBeLessThan(15 * 1024);
  });

  it('every statebench command in its sh blocks parses and passes every check made before a run starts', async () => {
    const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
    const lines = blocks.flatMap((b) => b.split('\n')).filter((l) => l.startsWith('node dist/src/main.js '));
    expect(lines.length).toBeGreaterThanOrEqual(4);
    for (const line of lines) {
      // The one shell substitution picks the newest result file: any result will do.
      const argv = shellWords(line.replace('"$(ls -t results/*.json | head -1)"', fixturePath('kill-one-replica'))).slice(2);
      const stderr = new PassThrough();
      const io = { stdout: new PassThrough(), stderr, env: {}, signal: new AbortController().signal };
      const exit = { code: 0 };
      const program = buildProgram(io, exit);
      const checked: string[] = [];
      const command = (name: string) => program.commands.find((c) => c.name() === name)!;
      command('run').action(async (scenario: string | undefined, options) => {
        const { scenario: resolved } = await resolveScenarioSource(scenario, options, io, DEFAULT_SCENARIO);
        await planOutputs(options);
        checked.push(`run ${resolved.name}`);
      });
      command('report').action(async (file: string, options) => {
        await readResultFile(file);
        await planOutputs(options);
        checked.push('report');
      });
      await expect(program.parseAsync(argv, { from: 'user' }), line).resolves.toBeDefined();
      expect(checked, line).toHaveLength(1);
    }
  });

  it('links to docs that exist, and so do the docs', () => {
    const files = ['README.md', ...readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
    const broken: string[] = [];
    for (const file of files) {
      const text = readFileSync(path.join(root, file), 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;
        if (!existsSync(path.resolve(path.dirname(path.join(root, file)), target))) broken.push(`${file} → ${target}`);
      }
    }
    expect(broken).toEqual([]);
    for (const doc of ['experiments', 'scenarios', 'results', 'ci', 'benchmarks', 'commands', 'library', 'capacity']) expect(readme).toContain(`(docs/${doc}.md)`);
  });
});

describe('docs/ stays true to the code', () => {
  const doc = (name: string): string => readFileSync(path.join(root, 'docs', name), 'utf8');

  it('scenarios.md describes every fault in its own file\'s words, and lists every threshold metric', () => {
    const text = doc('scenarios.md');
    for (const fault of FAULTS.values()) expect(text, fault.kind).toContain(`| \`${fault.kind}\` | ${fault.summary} |`);
    for (const metric of THRESHOLD_METRIC_NAMES) expect(text, metric).toContain(`\`${metric}\``);
  });

  it('architectures.md describes every architecture in its descriptor\'s words', () => {
    const text = doc('architectures.md');
    for (const a of ARCHITECTURES.values()) expect(text, a.name).toContain(`| \`${a.name}\` | ${a.help} |`);
  });
});
