// Discord renders a subset of Markdown: no tables (a table arrives as raw "| MAE | points |" lines)
// and no HTML comments. The problem statements are README files written for GitHub; this turns
// them into what Discord shows well.

function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((cell) => cell.trim().replace(/`/g, ''));
}

function isSeparator(line: string): boolean {
  return /^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$/.test(line.trim());
}

/** A Markdown table as an aligned, monospaced block. */
function tableAsCodeBlock(lines: string[]): string {
  const rows = lines.filter((line) => !isSeparator(line)).map(cells);
  const columns = Math.max(...rows.map((row) => row.length));
  const widths = Array.from({ length: columns }, (_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  const text = rows.map((row) => widths.map((width, column) => (row[column] ?? '').padEnd(width)).join('  ').trimEnd());
  return ['```', ...text, '```'].join('\n');
}

/** Markdown for a Discord message: tables become code blocks, HTML comments go. */
export function markdownForDiscord(markdown: string): string {
  const lines = markdown.replace(/<!--[\s\S]*?-->\n?/g, '').split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const isTable = lines[i].trim().startsWith('|') && i + 1 < lines.length && isSeparator(lines[i + 1]);
    if (!isTable) {
      out.push(lines[i]);
      continue;
    }
    const table: string[] = [];
    while (i < lines.length && lines[i].trim().startsWith('|')) table.push(lines[i++]);
    i--;
    out.push(tableAsCodeBlock(table));
  }
  return out.join('\n');
}
