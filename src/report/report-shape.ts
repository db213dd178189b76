import type { ReleaseReport, RunReportHead } from './model.js';

/** A saved report whose JSON is valid but is not shaped as crosscheck/report@1. */
export class ReportShapeError extends Error {}

/**
 * The shape of what `crosscheck report` reads from a saved report before rendering it: the
 * renderers escape free text, but check ids, reasons, fingerprints and the tool's version are
 * written as they are (inside Markdown code spans, for some), so those must look like what
 * crosscheck writes; and a missing array or a number where text belongs must be a clear
 * refusal, not a TypeError.
 */
export function checkReportHead(value: unknown): RunReportHead {
  const head = object(value, 'the report');
  text(head.schema, '"schema"');
  text(head.project, '"project"', ID);
  text(head.displayName, '"displayName"');
  text(head.generatedAt, '"generatedAt"', TIMESTAMP);
  const tool = object(head.tool, '"tool"');
  text(tool.version, '"tool.version"', VERSION);
  const keyring = object(head.keyring, '"keyring"');
  text(keyring.dir, '"keyring.dir"');
  list(keyring.keys, '"keyring.keys"').forEach((key, i) => {
    const k = object(key, `key ${i + 1}`);
    text(k.fingerprint, `key ${i + 1}'s fingerprint`, FINGERPRINT);
    text(k.name, `key ${i + 1}'s name`);
  });
  for (const [name, url] of Object.entries(object(head.sources, '"sources"'))) text(url, `source "${name}"`);
  oneOf(head.verdict, '"verdict"', VERDICTS);
  if (head.listingProblems !== undefined)
    list(head.listingProblems, '"listingProblems"').forEach((problem, i) => text(problem, `listing problem ${i + 1}`));
  if (head.run !== undefined) {
    const run = object(head.run, '"run"');
    text(run.startedAt, '"run.startedAt"', TIMESTAMP);
    text(run.finishedAt, '"run.finishedAt"', TIMESTAMP);
    text(run.command, '"run.command"');
    if (typeof run.offline !== 'boolean') fail('"run.offline" must be true or false');
  }
  const summary = object(head.summary, '"summary"');
  for (const field of ['releases', 'pass', 'fail', 'incomplete']) count(summary[field], `"summary.${field}"`);
  return value as RunReportHead;
}

export function checkRelease(value: unknown, where: string): ReleaseReport {
  const release = object(value, where);
  text(release.version, `${where}: "version"`);
  oneOf(release.verdict, `${where}: "verdict"`, VERDICTS);
  optionalText(release.summary, `${where}: "summary"`);
  list(release.checks, `${where}: "checks"`).forEach((item, i) => {
    const at = `${where}, check ${i + 1}`;
    const check = object(item, at);
    text(check.id, `${at}: "id"`, ID);
    oneOf(check.status, `${at}: "status"`, STATUSES);
    oneOf(check.channel, `${at}: "channel"`, CHANNELS);
    text(check.message, `${at}: "message"`);
    if (check.reason !== undefined) text(check.reason, `${at}: "reason"`, REASON);
    for (const field of ['artifact', 'expected', 'actual', 'url', 'file', 'remedy', 'copies'])
      optionalText(check[field], `${at}: "${field}"`);
  });
  list(release.differences, `${where}: "differences"`).forEach((item, i) => {
    const at = `${where}, difference ${i + 1}`;
    const difference = object(item, at);
    text(difference.check, `${at}: "check"`, ID);
    text(difference.kind, `${at}: "kind"`, ID);
    text(difference.path, `${at}: "path"`);
    if (typeof difference.allowed !== 'boolean') fail(`${at}: "allowed" must be true or false`);
    for (const field of ['rule', 'waiver', 'detail', 'derivedFrom'])
      optionalText(difference[field], `${at}: "${field}"`);
    if (difference.unverified !== undefined && typeof difference.unverified !== 'boolean')
      fail(`${at}: "unverified" must be true or false`);
    for (const [side, digest] of Object.entries(object(difference.digests, `${at}: "digests"`)))
      text(digest, `${at}: the ${side} digest`);
  });
  for (const field of ['checksumSigners', 'tagSigners', 'artifacts']) list(release[field], `${where}: "${field}"`);
  return value as ReleaseReport;
}

const ID = /^[a-z0-9][a-z0-9._-]*$/;
const REASON = /^[A-Z0-9_]+$/;
const FINGERPRINT = /^[0-9A-F]{40,64}$/;
const VERSION = /^[0-9A-Za-z.+-]+$/;
const TIMESTAMP = /^\d{4}-\d\d-\d\dT[0-9:.]+Z$/;
const VERDICTS = ['pass', 'fail', 'incomplete'];
const STATUSES = ['pass', 'fail', 'unverified', 'skipped', 'warn'];
const CHANNELS = ['site', 'pypi', 'git', 'content', 'local'];

function fail(message: string): never {
  throw new ReportShapeError(message);
}

function object(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${what} must be an object`);
  return value as Record<string, unknown>;
}

function list(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) fail(`${what} must be an array`);
  return value;
}

function text(value: unknown, what: string, pattern?: RegExp): void {
  if (typeof value !== 'string') fail(`${what} must be a string`);
  if (pattern && !pattern.test(value))
    fail(`${what} is not what crosscheck writes there: ${JSON.stringify(value.slice(0, 80))}`);
}

function optionalText(value: unknown, what: string): void {
  if (value !== undefined) text(value, what);
}

function oneOf(value: unknown, what: string, allowed: readonly string[]): void {
  if (typeof value !== 'string' || !allowed.includes(value)) fail(`${what} must be one of ${allowed.join(', ')}`);
}

function count(value: unknown, what: string): void {
  if (!Number.isSafeInteger(value) || (value as number) < 0) fail(`${what} must be a whole number`);
}
