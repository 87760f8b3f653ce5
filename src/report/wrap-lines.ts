/**
 * Line wrapping for terminal reports, so notes and messages stay inside the terminal width
 * instead of being broken mid-word by the terminal.
 */

/**
 * Joins parts with `separator`, starting a new line (continuation lines get `indent`) rather
 * than splitting a part. A part longer than the width gets a line of its own.
 */
export function joinWrapped(parts: readonly string[], separator: string, width: number, indent = ''): string[] {
  const lines: string[] = [];
  let line = '';
  for (const part of parts) {
    const candidate = line === '' ? (lines.length === 0 ? part : `${indent}${part}`) : `${line}${separator}${part}`;
    if (line !== '' && candidate.length > width) {
      // The separator's trailing space would dangle at the end of the line.
      lines.push(`${line}${separator.trimEnd()}`.replace(/\s+$/, ''));
      line = `${indent}${part}`;
    } else {
      line = candidate;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** A figure and its unit (`4.70 ms`, `1.2 cores`): never split across lines. */
const FIGURE_AND_UNIT = /(\d) (µs|ms|s|cores?)(?=$|[\s,.;:)])/g;

/**
 * Free text (error messages, reasons) wrapped at spaces; continuation lines get `indent`. A
 * figure stays on the line of its unit (`4.70` and `ms` never part).
 */
export function wrapWords(text: string, width: number, firstIndent = '', indent = `${firstIndent}  `): string[] {
  const words = text.replace(FIGURE_AND_UNIT, '$1\u00a0$2').split(' ');
  const lines = joinWrapped(words, ' ', width - firstIndent.length, indent.slice(firstIndent.length));
  return lines.map((l) => `${firstIndent}${l.replace(/\u00a0/g, ' ')}`);
}
