// Text that a member or an uploaded file supplied (names, layer names, file names, messages that
// quote them) is shown as text: no formatting, no masked or bare links, no mention pills, and
// never longer than its place allows.

/** Characters Discord's markdown gives a meaning to anywhere in a line (brackets make masked links, < mentions). */
const INLINE_MARKDOWN = /([\\*_~`|[\]<])/g;
/** Markers that mean something at the start of a line: headings, subtext, lists, quotes. */
const LINE_START_MARKDOWN = /^(\s*)(#|-|>|\d+\.)/gm;

export function asText(text: string, maxLength = 1024): string {
  const escaped = text
    .replace(INLINE_MARKDOWN, '\\$1')
    .replace(LINE_START_MARKDOWN, (_line, space: string, marker: string) => `${space}${marker.replace(/^(\d+)?(.)$/, '$1\\$2')}`)
    // A bare URL is a link in embeds and messages: the escaped colon keeps it text.
    .replace(/([a-z][a-z0-9+.-]*):\/\//gi, '$1\\://');
  if (escaped.length <= maxLength) return escaped;
  // Cut without leaving a lone backslash that would escape the ellipsis.
  return `${escaped.slice(0, maxLength - 1).replace(/\\$/, '')}…`;
}
