// An HTTP check against a base URL: independent of how the target was started (a container
// published on 127.0.0.1, or a deployed environment for a post-deploy smoke test).
import { isDeepStrictEqual } from 'node:util';
import { evaluateJsonPath } from '../json-path.ts';
import type { HttpCheck } from '../spec-schema.ts';

const show = (value: unknown) => JSON.stringify(value) ?? 'undefined';
const snippet = (text: string) => JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text);

function jsonProblems(body: string, assertions: NonNullable<HttpCheck['expect']['json']>): string[] {
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch {
    return [`the body is not JSON: ${snippet(body)}`];
  }
  const problems: string[] = [];
  for (const a of assertions) {
    const { found, value } = evaluateJsonPath(document, a.path);
    if (a.exists !== undefined) {
      if (found !== a.exists) problems.push(`${a.path} ${found ? `exists (${show(value)})` : 'is missing'}`);
    } else if (!found) problems.push(`${a.path} is missing`);
    else if (a.equals !== undefined && !isDeepStrictEqual(value, a.equals)) {
      problems.push(`${a.path} is ${show(value)}, expected ${show(a.equals)}`);
    } else if (a.notEquals !== undefined && isDeepStrictEqual(value, a.notEquals)) {
      problems.push(`${a.path} is ${show(value)}, expected anything else`);
    } else if (a.matches !== undefined) {
      const text = typeof value === 'string' ? value : show(value);
      if (!new RegExp(a.matches).test(text))
        problems.push(`${a.path} is ${show(value)}, expected to match /${a.matches}/`);
    }
  }
  return problems;
}

/** Returns the problems found (none: passed). Throws when there is no answer at all. */
export async function runHttpCheck(
  baseUrl: string,
  check: HttpCheck,
  fetchFn: typeof fetch = fetch,
  now: () => number = performance.now.bind(performance),
): Promise<string[]> {
  const url = new URL(check.path, baseUrl);
  const started = now();
  let response: Response;
  let body: string;
  try {
    response = await fetchFn(url, {
      method: check.method,
      ...(check.headers ? { headers: check.headers } : {}),
      ...(check.body !== undefined ? { body: check.body } : {}),
      redirect: 'manual',
      signal: AbortSignal.timeout(check.timeout),
    });
    body = await response.text();
  } catch (error: unknown) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason =
      error instanceof Error && error.name === 'TimeoutError'
        ? `no answer within ${check.timeout} ms`
        : (cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error)));
    throw new Error(`${check.method} ${url.pathname}${url.search}: ${reason}`, { cause: error });
  }
  const latency = now() - started;
  const expect = check.expect;
  const problems: string[] = [];
  const statuses = Array.isArray(expect.status) ? expect.status : [expect.status];
  if (!statuses.includes(response.status)) {
    problems.push(`status ${response.status}, expected ${statuses.join(' or ')} (body ${snippet(body)})`);
  }
  for (const [name, value] of Object.entries(expect.headers ?? {})) {
    const actual = response.headers.get(name);
    if (actual !== value) problems.push(`header ${name} is ${show(actual)}, expected ${show(value)}`);
  }
  for (const [name, pattern] of Object.entries(expect.headersMatch ?? {})) {
    const actual = response.headers.get(name);
    if (actual === null || !new RegExp(pattern).test(actual)) {
      problems.push(`header ${name} is ${show(actual)}, expected to match /${pattern}/`);
    }
  }
  for (const text of expect.bodyContains ?? [])
    if (!body.includes(text)) problems.push(`the body does not contain ${show(text)}`);
  for (const text of expect.bodyNotContains ?? [])
    if (body.includes(text)) problems.push(`the body contains ${show(text)}`);
  if (expect.bodyMatches !== undefined && !new RegExp(expect.bodyMatches).test(body)) {
    problems.push(`the body does not match /${expect.bodyMatches}/: ${snippet(body)}`);
  }
  if (expect.json && expect.json.length > 0) problems.push(...jsonProblems(body, expect.json));
  if (expect.maxLatency !== undefined && latency > expect.maxLatency) {
    problems.push(`answered in ${Math.round(latency)} ms, more than the ${expect.maxLatency} ms allowed`);
  }
  return problems;
}
