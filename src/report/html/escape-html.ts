/**
 * Text into HTML markup, and data into inline `<script>` and `<style>` elements. A result file
 * holds text from scenario files and error messages, so every string reaching the page is
 * treated as hostile.
 */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for an element's content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * JSON safe inside `<script type="application/json">`: `<`, `>` and `&` become `\u003c`… so no
 * `</script>` or `<!--` can end or alter the element (JSON.parse reads the escapes back), and
 * U+2028/U+2029 are escaped for older parsers that treat them as line ends.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * Code for an inline `<script>`: a `</script` inside a string or comment of third-party code
 * would end the element early; `<\/script` means the same to JavaScript.
 */
export function scriptText(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1');
}

/** CSS for an inline `<style>`: the same early-end hazard as {@link scriptText}. */
export function styleText(css: string): string {
  return css.replace(/<\/(style)/gi, '<\\/$1');
}
