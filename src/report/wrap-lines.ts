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

/** Free text (error messages, reasons) wrapped at spaces; continuation lines get `indent`. */
export function wrapWords(text: string, width: number, firstIndent = '', indent = `${firstIndent}  `): string[] {
  const lines = joinWrapped(text.split(' '), ' ', width - firstIndent.length, indent.slice(firstIndent.length));
  return lines.map((l) => `${firstIndent}${l}`);
}
