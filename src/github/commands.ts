import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { EOL } from 'node:os';

/**
 * The runner's workflow-command protocol, implemented directly (see docs/adr/0001): inputs from
 * INPUT_* variables, outputs and state through the GITHUB_OUTPUT / GITHUB_STATE files, everything
 * else as `::command::` lines on stdout. @actions/core would pull an HTTP stack into every bundle
 * and more than double its start time; these few functions are all an action here needs.
 */

export function getInput(name: string, options: { trimWhitespace?: boolean } = {}): string {
  const value = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '';
  return options.trimWhitespace === false ? value : value.trim();
}

export function setOutput(name: string, value: string): void {
  writeKeyValue('GITHUB_OUTPUT', 'set-output', name, value);
}

export function saveState(name: string, value: string): void {
  writeKeyValue('GITHUB_STATE', 'save-state', name, value);
}

export function getState(name: string): string {
  return process.env[`STATE_${name}`] ?? '';
}

export function setSecret(value: string): void {
  issue('add-mask', {}, value);
}

export interface AnnotationProperties {
  title?: string;
  file?: string;
  startLine?: number;
  endLine?: number;
}

export function info(message: string): void {
  process.stdout.write(`${message}${EOL}`);
}

export function debug(message: string): void {
  issue('debug', {}, message);
}

export function warning(message: string, properties: AnnotationProperties = {}): void {
  issue('warning', annotation(properties), message);
}

export function error(message: string, properties: AnnotationProperties = {}): void {
  issue('error', annotation(properties), message);
}

function annotation(p: AnnotationProperties): Record<string, string | number | undefined> {
  return { title: p.title, file: p.file, line: p.startLine, endLine: p.endLine };
}

export function setFailed(message: string): void {
  process.exitCode = 1;
  error(message);
}

export async function group<T>(title: string, body: () => Promise<T>): Promise<T> {
  issue('group', {}, title);
  try {
    return await body();
  } finally {
    issue('endgroup', {}, '');
  }
}

/** Formats one workflow command line, escaped as the runner expects. */
export function formatCommand(
  command: string,
  properties: Record<string, string | number | undefined>,
  message: string,
): string {
  const props = Object.entries(properties)
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
    .join(',');
  return `::${command}${props ? ` ${props}` : ''}::${escapeData(message)}`;
}

function issue(
  command: string,
  properties: Record<string, string | number | undefined>,
  message: string,
): void {
  process.stdout.write(`${formatCommand(command, properties, message)}${EOL}`);
}

function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** name<<DELIMITER value DELIMITER, with a delimiter that cannot occur in the value. */
export function formatKeyValue(name: string, value: string): string {
  let delimiter = `ghadelimiter_${randomUUID()}`;
  while (name.includes(delimiter) || value.includes(delimiter))
    delimiter = `ghadelimiter_${randomUUID()}`;
  return `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`;
}

function writeKeyValue(
  fileVariable: string,
  legacyCommand: string,
  name: string,
  value: string,
): void {
  const file = process.env[fileVariable];
  if (file) appendFileSync(file, formatKeyValue(name, value), 'utf8');
  else issue(legacyCommand, { name }, value);
}
