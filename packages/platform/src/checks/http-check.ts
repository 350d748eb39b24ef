// An HTTP check against a base URL: independent of how the target was started (a container on
// 127.0.0.1 here, a deployed environment for a post-deploy smoke test).
import { parseDuration } from '@bakeline/toolkit';
import { evaluateJsonPath } from '../json-path.ts';
import type { HttpCheck } from '../spec-schema.ts';

export async function runHttpCheck(
  baseUrl: string,
  check: HttpCheck,
  fetchFn: typeof fetch = fetch,
): Promise<string[]> {
  const started = performance.now();
  const response = await fetchFn(new URL(check.path, baseUrl), {
    method: check.method,
    ...(check.headers ? { headers: check.headers } : {}),
    ...(check.body !== undefined ? { body: check.body } : {}),
    redirect: 'manual',
    signal: AbortSignal.timeout(30_000),
  });
  const body = await response.text();
  const latency = performance.now() - started;
  const problems: string[] = [];
  const expect = check.expect;
  if (response.status !== expect.status) problems.push(`status ${response.status}, expected ${expect.status}`);
  for (const [name, value] of Object.entries(expect.headers ?? {})) {
    const actual = response.headers.get(name);
    if (actual !== value)
      problems.push(`header ${name} is ${JSON.stringify(actual)}, expected ${JSON.stringify(value)}`);
  }
  for (const [name, pattern] of Object.entries(expect.headersMatch ?? {})) {
    const actual = response.headers.get(name) ?? '';
    if (!new RegExp(pattern).test(actual))
      problems.push(`header ${name} is ${JSON.stringify(actual)}, expected to match /${pattern}/`);
  }
  for (const text of expect.bodyContains ?? [])
    if (!body.includes(text)) problems.push(`body does not contain ${JSON.stringify(text)}`);
  if (expect.bodyMatches && !new RegExp(expect.bodyMatches).test(body))
    problems.push(`body does not match /${expect.bodyMatches}/`);
  if (expect.json && expect.json.length > 0) {
    let document: unknown;
    try {
      document = JSON.parse(body);
    } catch {
      problems.push(`body is not JSON: ${JSON.stringify(body.slice(0, 120))}`);
    }
    if (document !== undefined) {
      for (const assertion of expect.json) {
        const { found, value } = evaluateJsonPath(document, assertion.path);
        if ('exists' in assertion) {
          if (found !== assertion.exists) problems.push(`${assertion.path} ${found ? 'exists' : 'is missing'}`);
        } else if (!found) problems.push(`${assertion.path} is missing`);
        else if ('equals' in assertion && value !== assertion.equals) {
          problems.push(`${assertion.path} is ${JSON.stringify(value)}, expected ${JSON.stringify(assertion.equals)}`);
        } else if ('matches' in assertion && !new RegExp(assertion.matches).test(String(value))) {
          problems.push(`${assertion.path} is ${JSON.stringify(value)}, expected to match /${assertion.matches}/`);
        }
      }
    }
  }
  if (expect.maxLatency) {
    const max = parseDuration(expect.maxLatency) ?? 0;
    if (latency > max) problems.push(`answered in ${Math.round(latency)} ms, more than ${max} ms`);
  }
  return problems;
}
