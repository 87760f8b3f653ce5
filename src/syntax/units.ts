/**
 * Quantities as people write them in scenario files: durations (`30s`, `1m30s`, `0.5ms`),
 * rates (`2000/s`, `120/m`) and sizes (`64B`, `1KiB`). Parsers return a value in the base unit
 * or a message meant for the user, never throw: the scenario loader collects every problem.
 */

/** A parsed quantity, or a message saying what was wrong and what was expected. */
export type UnitResult = { ok: true; value: number } | { ok: false; error: string };

const ok = (value: number): UnitResult => ({ ok: true, value });
const fail = (error: string): UnitResult => ({ ok: false, error });

const DURATION_UNIT_MS: Record<string, number> = {
  h: 3_600_000,
  m: 60_000,
  min: 60_000,
  s: 1000,
  sec: 1000,
  ms: 1,
  us: 0.001,
  µs: 0.001,
};

const NUMBER = String.raw`(?:\d+(?:\.\d+)?|\.\d+)`;
// Longest units first so `ms` is not read as `m` followed by a stray `s`.
const DURATION_UNITS = String.raw`(?:min|sec|ms|us|µs|h|m|s)`;

/** Regular expression source of a duration with a unit, shared with the JSON Schema. */
export const DURATION_PATTERN = String.raw`^\s*(?:${NUMBER}\s*${DURATION_UNITS}\s*)+$`;
/** Regular expression source of a rate, shared with the JSON Schema. */
export const RATE_PATTERN = String.raw`^\s*${NUMBER}\s*(?:/\s*(?:s|sec|m|min|h|ms)|rps)\s*$`;
/** Regular expression source of a size, shared with the JSON Schema. */
export const SIZE_PATTERN = String.raw`^\s*${NUMBER}\s*(?:[bB]|[kKmMgG][iI]?[bB]?)\s*$`;

/** What a message quotes of an input: long text is cut (a message must stay one readable line). */
export function quoteInput(text: string, maxChars = 40): string {
  return text.length <= maxChars ? `\`${text}\`` : `\`${text.slice(0, maxChars)}…\` (${text.length} characters)`;
}

const describe = (input: unknown): string =>
  typeof input === 'string' ? quoteInput(input) : input === null ? 'nothing' : quoteInput(String(JSON.stringify(input)));

/**
 * Parses a duration into milliseconds (fractions allowed: `0.5ms` is 0.5).
 * Accepts `h`, `m`/`min`, `s`/`sec`, `ms`, `us`/`µs`, combined largest first (`1m30s`).
 * A bare number is rejected because `30` could mean seconds or milliseconds; `0` is
 * accepted since it means the same in every unit.
 */
export function parseDuration(input: unknown): UnitResult {
  if (typeof input === 'number') {
    if (input === 0) return ok(0);
    if (!Number.isFinite(input)) return fail(`expected a duration such as \`30s\`, got ${describe(input)}`);
    return fail(`\`${input}\` has no unit: write \`${input}s\` or \`${input}ms\``);
  }
  if (typeof input !== 'string') return fail(`expected a duration such as \`30s\` or \`500ms\`, got ${describe(input)}`);
  const text = input.trim();
  if (text.startsWith('-')) return fail(`a duration cannot be negative (got \`${input}\`)`);
  if (/^\d+(\.\d+)?$/.test(text)) {
    if (Number(text) === 0) return ok(0);
    return fail(`\`${text}\` has no unit: write \`${text}s\` or \`${text}ms\``);
  }
  // Case-sensitive on purpose: the JSON Schema pattern (no flags in JSON Schema) must agree.
  const component = new RegExp(String.raw`\s*(${NUMBER})\s*(${DURATION_UNITS})`, 'y');
  let totalMs = 0;
  let matched = 0;
  let match: RegExpExecArray | null;
  while ((match = component.exec(text)) !== null) {
    totalMs += Number(match[1]) * DURATION_UNIT_MS[match[2]];
    matched = component.lastIndex;
  }
  if (text === '' || matched !== text.length) {
    return fail(`expected a duration such as \`30s\`, \`500ms\`, \`1m30s\` or \`2h\` (units: h, m, s, ms, us), got ${describe(input)}`);
  }
  // 400 digits read as Infinity: refused here, so no caller sees a duration that is not a number.
  if (!Number.isFinite(totalMs)) return fail(`${describe(input)} is too large to be a duration`);
  // Round away binary noise (0.1s → 100.00000000000001) without losing microsecond precision.
  return ok(Math.round(totalMs * 1e6) / 1e6);
}

const RATE_UNIT_PER_S: Record<string, number> = { s: 1, sec: 1, rps: 1, m: 1 / 60, min: 1 / 60, h: 1 / 3600, ms: 1000 };

/**
 * Parses a rate into requests per second: `2000/s`, `120/m` (= 2/s), `7200/h`, `5/ms`, `2000rps`.
 * A bare number is rejected: per second and per minute are both common, and guessing wrong
 * would run a 60 times too heavy or too light experiment.
 */
export function parseRate(input: unknown): UnitResult {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) return fail(`expected a rate such as \`2000/s\`, got ${describe(input)}`);
    return fail(`\`${input}\` has no unit: write \`${input}/s\` (per second) or \`${input}/m\` (per minute)`);
  }
  if (typeof input !== 'string') return fail(`expected a rate such as \`2000/s\` or \`120/m\`, got ${describe(input)}`);
  const match = new RegExp(String.raw`^\s*(${NUMBER})\s*(?:/\s*(s|sec|m|min|h|ms)|(rps))\s*$`).exec(input);
  if (!match) {
    if (/^\s*\d+(\.\d+)?\s*$/.test(input)) {
      const n = input.trim();
      return fail(`\`${n}\` has no unit: write \`${n}/s\` (per second) or \`${n}/m\` (per minute)`);
    }
    return fail(`expected a rate such as \`2000/s\`, \`120/m\` or \`7200/h\`, got ${describe(input)}`);
  }
  const rps = Number(match[1]) * RATE_UNIT_PER_S[match[2] ?? match[3]];
  if (!Number.isFinite(rps)) return fail(`${describe(input)} is too large to be a rate`);
  return ok(rps);
}

// SI prefixes are powers of 1000 and IEC ones (KiB) powers of 1024, as in `ls --si` / `ls -h`.
const SIZE_UNIT_BYTES: Record<string, number> = {
  b: 1,
  k: 1000,
  kb: 1000,
  ki: 1024,
  kib: 1024,
  m: 1000 ** 2,
  mb: 1000 ** 2,
  mi: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1000 ** 3,
  gb: 1000 ** 3,
  gi: 1024 ** 3,
  gib: 1024 ** 3,
};

/**
 * Parses a size into whole bytes: `64B`, `2kB`/`2kb` (2000), `1KiB` (1024), `1.5MiB`.
 * Case does not matter (`kb` is bytes here, not bits). A bare number is rejected, except `0`.
 */
export function parseSize(input: unknown): UnitResult {
  if (typeof input === 'number') {
    if (input === 0) return ok(0);
    if (!Number.isFinite(input) || input < 0) return fail(`expected a size such as \`64B\`, got ${describe(input)}`);
    return fail(`\`${input}\` has no unit: write \`${input}B\` (bytes) or \`${input}KiB\``);
  }
  if (typeof input !== 'string') return fail(`expected a size such as \`64B\` or \`1KiB\`, got ${describe(input)}`);
  const match = new RegExp(String.raw`^\s*(${NUMBER})\s*([a-z]+)?\s*$`, 'i').exec(input);
  const unit = match?.[2]?.toLowerCase();
  if (match && unit === undefined) {
    if (Number(match[1]) === 0) return ok(0);
    return fail(`\`${match[1]}\` has no unit: write \`${match[1]}B\` (bytes) or \`${match[1]}KiB\``);
  }
  if (!match || unit === undefined || !(unit in SIZE_UNIT_BYTES)) {
    return fail(`expected a size such as \`64B\`, \`2kB\` or \`1KiB\` (units: B, kB, KiB, MB, MiB, GB, GiB), got ${describe(input)}`);
  }
  const bytes = Math.round(Number(match[1]) * SIZE_UNIT_BYTES[unit]);
  if (!Number.isFinite(bytes)) return fail(`${describe(input)} is too large to be a size`);
  return ok(bytes);
}

/** Up to `digits` decimals, without trailing zeros: 1.50 → `1.5`. */
function trimmed(value: number, digits: number): string {
  return String(Number(value.toFixed(digits)));
}

/**
 * Formats milliseconds the way scenario files write them, so a message can be pasted back:
 * 0.5 → `0.5ms`, 250 → `250ms`, 1500 → `1.5s`, 90_000 → `1m30s`, 7_200_000 → `2h`.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms === 0) return '0s';
  if (ms < 1000) return `${trimmed(ms, 3)}ms`;
  if (ms < 60_000) return `${trimmed(ms / 1000, 3)}s`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = (ms % 60_000) / 1000;
  return `${hours ? `${hours}h` : ''}${minutes ? `${minutes}m` : ''}${seconds ? `${trimmed(seconds, 3)}s` : ''}`;
}

/** Formats bytes with IEC prefixes when exact: 64 → `64B`, 1024 → `1KiB`, 1536 → `1.5KiB`. */
export function formatSize(bytes: number): string {
  if (bytes >= 1024 ** 4) return `${trimmed(bytes / 1024 ** 4, 2)}TiB`;
  if (bytes >= 1024 ** 3) return `${trimmed(bytes / 1024 ** 3, 2)}GiB`;
  if (bytes >= 1024 ** 2) return `${trimmed(bytes / 1024 ** 2, 2)}MiB`;
  if (bytes >= 1024) return `${trimmed(bytes / 1024, 2)}KiB`;
  return `${bytes}B`;
}
