import { appendFileSync } from 'node:fs';

/** GitHub keeps at most 1 MiB of job summary per step. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024;
const RESERVE = 512; // room for the truncation note

/** Escape text for a markdown table cell. */
export function cell(text: string | number | boolean | undefined | null): string {
  if (text === undefined || text === null) return '';
  return String(text).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

/**
 * Builds a markdown job summary inside GitHub's size limit. Parts that do not fit are left out and
 * counted; the note saying so is always written.
 */
export class SummaryBuilder {
  private parts: string[] = [];
  private bytes = 0;
  private omittedRows = 0;
  private omittedParts = 0;

  constructor(private readonly limit = SUMMARY_LIMIT_BYTES) {}

  private fits(text: string): boolean {
    return this.bytes + Buffer.byteLength(text) <= this.limit - RESERVE;
  }

  private push(text: string): boolean {
    if (!this.fits(text)) {
      this.omittedParts++;
      return false;
    }
    this.parts.push(text);
    this.bytes += Buffer.byteLength(text);
    return true;
  }

  heading(text: string, level = 2): this {
    this.push(`${'#'.repeat(level)} ${text}\n\n`);
    return this;
  }

  paragraph(text: string): this {
    this.push(`${text}\n\n`);
    return this;
  }

  list(items: string[]): this {
    if (items.length) this.push(items.map((i) => `- ${i}`).join('\n') + '\n\n');
    return this;
  }

  /**
   * A table; rows beyond the size budget are left out and counted (linear in the number of rows).
   * `reserveBytes` keeps that much room for what follows the table; `omittedNote` is written right
   * after the table when rows were left out (the closing note counts them either way).
   */
  table(
    headers: string[],
    rows: Array<Array<string | number | boolean | undefined>>,
    opts: { reserveBytes?: number; omittedNote?: (omitted: number) => string } = {},
  ): this {
    const head = `| ${headers.map(cell).join(' | ')} |\n|${headers.map(() => ' --- ').join('|')}|\n`;
    if (!this.push(head)) {
      this.omittedRows += rows.length;
      return this;
    }
    const room = this.limit - RESERVE - (opts.reserveBytes ?? 0) - this.bytes - 1;
    const lines: string[] = [];
    let used = 0;
    for (const row of rows) {
      const line = `| ${row.map(cell).join(' | ')} |\n`;
      const n = Buffer.byteLength(line);
      if (used + n > room) break;
      lines.push(line);
      used += n;
    }
    this.push(lines.join('') + '\n');
    const omitted = rows.length - lines.length;
    this.omittedRows += omitted;
    if (omitted > 0 && opts.omittedNote) this.push(`${opts.omittedNote(omitted)}\n\n`);
    return this;
  }

  details(summary: string, body: string): this {
    this.push(`<details><summary>${summary}</summary>\n\n${body}\n\n</details>\n\n`);
    return this;
  }

  raw(text: string): this {
    this.push(text);
    return this;
  }

  /** The markdown, with a note when something was left out. */
  toString(): string {
    let text = this.parts.join('');
    if (this.omittedRows || this.omittedParts) {
      const what = [
        this.omittedRows ? `${this.omittedRows} table row(s)` : '',
        this.omittedParts ? `${this.omittedParts} section(s)` : '',
      ]
        .filter(Boolean)
        .join(' and ');
      text += `> [!NOTE]\n> ${what} left out to stay within GitHub's 1 MiB job summary limit; the report file has everything.\n`;
    }
    return text;
  }

  get truncated(): boolean {
    return this.omittedRows > 0 || this.omittedParts > 0;
  }

  /** Append to the job summary file; a no-op outside Actions (no GITHUB_STEP_SUMMARY). */
  write(env: NodeJS.ProcessEnv = process.env): void {
    const file = env.GITHUB_STEP_SUMMARY;
    if (!file) return;
    appendFileSync(file, this.toString());
  }
}
