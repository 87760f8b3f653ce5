import { spawn } from 'node:child_process';
import { guardPid, releasePid } from '../process/reaper.js';
import { COMMAND_OUTPUT_CHARS, noteCommand, type CommandRecord } from './command-log.js';

/** Characters a placeholder's value may have and still go into a command line unquoted. */
const PLAIN = /^[\w./:@%+=,-]+$/;

/** A value as one shell word: unchanged when plain, else in single quotes. */
export function shellWord(value: string): string {
  return PLAIN.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The placeholders a command template names (`{replica}` → `replica`), in order, each once. */
export function placeholdersOf(template: string): string[] {
  return [...new Set([...template.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]))];
}

/**
 * The template with every `{name}` replaced by its value as one shell word: a replica's name
 * comes from the replica itself (its `X-Replica`), so it must never be able to add a command.
 * Throws for a placeholder without a value (validation refuses those before anything starts).
 */
export function fillCommand(template: string, values: Readonly<Record<string, string | undefined>>): string {
  return template.replace(/\{([a-z_]+)\}/g, (_whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`the command \`${template}\` needs {${name}}, which is unknown here`);
    return shellWord(value);
  });
}

/**
 * Runs `command` with `/bin/sh -c` in a process group of its own, killing the whole group at
 * `timeoutMs`; resolves with its record (also filed with {@link noteCommand}), never rejects.
 * The environment is statebench's (kubectl finds its KUBECONFIG).
 */
export function runShellCommand(command: string, timeoutMs: number): Promise<CommandRecord> {
  const startedMs = performance.now();
  return new Promise((resolve) => {
    let output = '';
    const keep = (d: Buffer): void => {
      output = (output + d.toString('utf8')).slice(-COMMAND_OUTPUT_CHARS);
    };
    const child = spawn('/bin/sh', ['-c', command], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const pid = child.pid;
    if (pid !== undefined) guardPid(pid);
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (pid !== undefined) process.kill(-pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }, timeoutMs);
    let settled = false;
    const finish = (exitCode: number | null, signal: string | null, error?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (pid !== undefined) releasePid(pid);
      if (error !== undefined) keep(Buffer.from(String(error.message)));
      const record: CommandRecord = {
        command,
        exitCode,
        ...(signal === null ? {} : { signal }),
        ...(timedOut ? { timedOut: true } : {}),
        tookMs: Math.round(performance.now() - startedMs),
        output: output.trim(),
      };
      noteCommand(record);
      resolve(record);
    };
    child.once('error', (err) => finish(null, null, err));
    child.once('close', (code, signal) => finish(code, signal));
  });
}

/** Why a command's record is a failure (`exited 1: …`, `timed out after 10 s`), or undefined when it succeeded. */
export function commandFailure(record: CommandRecord, timeoutMs: number): string | undefined {
  if (record.timedOut) return `\`${record.command}\` did not finish within ${timeoutMs} ms and was killed`;
  if (record.exitCode === 0) return undefined;
  const how = record.exitCode === null ? `was ended by ${record.signal ?? 'a signal'}` : `exited ${record.exitCode}`;
  const said = record.output === '' ? '' : `: ${record.output.split('\n').slice(-3).join(' | ')}`;
  return `\`${record.command}\` ${how}${said}`;
}
