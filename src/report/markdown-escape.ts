/**
 * Text from result files (error messages, skip reasons, threshold expressions) is not ours:
 * a `|` would split a table cell and `<`, `*`, `_` or a backtick would turn into markup.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/([|*_`[\]#<>~])/g, '\\$1')
    .replace(/\r?\n/g, ' ');
}

/** One GitHub-flavoured table row. */
export function markdownRow(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** Header row plus the alignment row (`---:` for right-aligned numbers). */
export function markdownHeader(cells: readonly string[], rightAligned: readonly boolean[]): string[] {
  return [markdownRow(cells), markdownRow(cells.map((_, i) => (rightAligned[i] ? '---:' : '---')))];
}
