// Text that a member or an uploaded file supplied (names, layer names, file names, messages that
// quote them) is shown as text: no formatting, no masked or bare links, no mention pills, and
// never longer than its place allows.

/** Characters Discord's markdown gives a meaning to, escaped with a backslash. */
const MARKDOWN = /([\\*_~`|>#[\]()<-])/g;

export function asText(text: string, maxLength = 1024): string {
  const escaped = text
    .replace(MARKDOWN, '\\$1')
    // "1. " at a line start would become a numbered list.
    .replace(/^(\s*\d+)\./gm, '$1\\.')
    // A bare URL is a link in embeds and messages: the escaped colon keeps it text.
    .replace(/([a-z][a-z0-9+.-]*):\/\//gi, '$1\\://');
  if (escaped.length <= maxLength) return escaped;
  // Cut without leaving a lone backslash that would escape the ellipsis.
  return `${escaped.slice(0, maxLength - 1).replace(/\\$/, '')}…`;
}
