import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { EOL } from 'node:os';

/**
 * The runner's command protocol (workflow commands on stdout, file commands for outputs, state and
 * env), spoken directly. @actions/core implements the same protocol but pulls an HTTP client into
 * every bundle's start-up; keeping this module free of it keeps the entry chunk small, so a step that
 * fails on a bad input exits fast. Behaviour matches @actions/core (same escaping, same file format).
 */

export interface CommandProperties {
  [key: string]: string | number | undefined;
}

function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

let write: (text: string) => void = (text) => {
  process.stdout.write(text);
};

/** Redirect command output (tests). Returns the previous writer. */
export function setCommandWriter(w: (text: string) => void): (text: string) => void {
  const prev = write;
  write = w;
  return prev;
}

export function issueCommand(command: string, props: CommandProperties, message: string): void {
  const p = Object.entries(props)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',');
  write(`::${command}${p ? ` ${p}` : ''}::${escapeData(message)}${EOL}`);
}

/** Append `key<<delimiter` / value / delimiter to a runner file (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_ENV). */
function fileCommand(envVar: string, key: string, value: string): boolean {
  const file = process.env[envVar];
  if (!file) return false;
  const delimiter = `ghadelimiter_${randomUUID()}`;
  if (key.includes(delimiter) || value.includes(delimiter)) throw new Error('unexpected delimiter in value');
  appendFileSync(file, `${key}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`, 'utf8');
  return true;
}

export function info(message: string): void {
  write(message + EOL);
}

export function debug(message: string): void {
  issueCommand('debug', {}, message);
}

export function isDebug(): boolean {
  return process.env.RUNNER_DEBUG === '1';
}

export function setSecret(value: string): void {
  issueCommand('add-mask', {}, value);
}

export function setOutput(name: string, value: string): void {
  if (!fileCommand('GITHUB_OUTPUT', name, value)) {
    write(EOL);
    issueCommand('set-output', { name }, value);
  }
}

export function saveState(name: string, value: string): void {
  if (!fileCommand('GITHUB_STATE', name, value)) issueCommand('save-state', { name }, value);
}

export function getState(name: string): string {
  return process.env[`STATE_${name}`] ?? '';
}

export function exportVariable(name: string, value: string): void {
  process.env[name] = value;
  if (!fileCommand('GITHUB_ENV', name, value)) issueCommand('set-env', { name }, value);
}

/** The raw input as the runner passes it: INPUT_<NAME>, upper-cased, spaces to underscores. */
export function getInput(name: string): string {
  return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

export function startGroup(name: string): void {
  issueCommand('group', {}, name);
}

export function endGroup(): void {
  issueCommand('endgroup', {}, '');
}

export async function group<T>(name: string, fn: () => Promise<T>): Promise<T> {
  startGroup(name);
  try {
    return await fn();
  } finally {
    endGroup();
  }
}

export interface AnnotationProperties {
  title?: string;
  file?: string;
  startLine?: number;
  endLine?: number;
  startColumn?: number;
  endColumn?: number;
}

function annotationProps(p: AnnotationProperties = {}): CommandProperties {
  return {
    title: p.title,
    file: p.file,
    line: p.startLine,
    endLine: p.endLine,
    col: p.startColumn,
    endColumn: p.endColumn,
  };
}

export function error(message: string, props?: AnnotationProperties): void {
  issueCommand('error', annotationProps(props), message);
}

export function warning(message: string, props?: AnnotationProperties): void {
  issueCommand('warning', annotationProps(props), message);
}

export function notice(message: string, props?: AnnotationProperties): void {
  issueCommand('notice', annotationProps(props), message);
}

/** Mark the step failed: an error annotation and exit code 1. */
export function setFailed(message: string): void {
  process.exitCode = 1;
  error(message);
}
