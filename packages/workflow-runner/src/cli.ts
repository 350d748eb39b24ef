// node packages/workflow-runner/src/cli.ts run <workflow.yml> --event push|pull_request|workflow_dispatch|workflow_call
//   [--input k=v]... [--environments <file>] [--approve <env>]... [--repo <dir>] [--json <summary.json>]
//   [--repository owner/name] [--ref refs/heads/main] [--run-dir <dir>] [--tool-cache <dir>]
//   [--id-token-endpoint <url>] [--actions-repository owner/name] [--bakeline-root <dir>] [--quiet] [--verbose] [--debug]
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadEnvironments } from './environments.ts';
import { EVENTS, type EventName, httpIdTokenIssuer } from './github-context.ts';
import { createPrinter, outputLines, stepDebug } from './report.ts';
import { type RunOptions, runWorkflow } from './run.ts';
import { RunRecorder } from './run-page/run-recorder.ts';
import { writeRunPage } from './run-page/write-run-page.ts';

const USAGE = `usage: node packages/workflow-runner/src/cli.ts run <workflow.yml> --event ${EVENTS.join('|')}
  [--input name=value]... [--environments <file>] [--approve <environment>]... [--repo <dir>]
  [--json <summary.json>] [--repository owner/name] [--ref <ref>] [--head-ref <branch>] [--base-ref <branch>]
  [--run-dir <dir>] [--tool-cache <dir>] [--id-token-endpoint <url>] [--actions-repository owner/name] [--bakeline-root <dir>]
  [--job <id>]... [--quiet] [--verbose] [--debug]`;

function keyValues(list: readonly string[], flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new Error(`${flag}: got '${item}'; expected name=value`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      event: { type: 'string' },
      input: { type: 'string', multiple: true, default: [] },
      environments: { type: 'string' },
      approve: { type: 'string', multiple: true, default: [] },
      job: { type: 'string', multiple: true, default: [] },
      repo: { type: 'string', default: '.' },
      json: { type: 'string' },
      repository: { type: 'string' },
      ref: { type: 'string' },
      'head-ref': { type: 'string' },
      'base-ref': { type: 'string' },
      'run-dir': { type: 'string' },
      'tool-cache': { type: 'string' },
      'id-token-endpoint': { type: 'string' },
      'actions-repository': { type: 'string' },
      'bakeline-root': { type: 'string' },
      quiet: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      debug: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [command, workflow, ...rest] = positionals;
  if (command !== 'run' || workflow === undefined || rest.length > 0)
    throw new Error(`expected 'run <workflow.yml>'\n${USAGE}`);
  const event = values.event as EventName | undefined;
  if (event === undefined || !EVENTS.includes(event)) {
    throw new Error(`--event: got '${values.event ?? ''}'; expected one of ${EVENTS.join(', ')}`);
  }
  const approve = values.approve.flatMap((a) => a.split(',')).filter((a) => a !== '');
  const print = createPrinter((line) => console.log(line), {
    logs: !values.quiet,
    verbose: values.verbose,
    debug: values.debug || stepDebug(process.env),
  });
  const recorder = new RunRecorder();
  const options: RunOptions = {
    workflow,
    event,
    inputs: keyValues(values.input, '--input'),
    repoDir: values.repo,
    approve,
    onEvent: (event) => {
      print(event);
      recorder.onEvent(event);
    },
  };
  if (values.environments !== undefined) options.environments = loadEnvironments(values.environments);
  if (values.job.length > 0) options.jobs = values.job;
  if (values.repository !== undefined) options.repository = values.repository;
  if (values.ref !== undefined) options.ref = values.ref;
  if (values['head-ref'] !== undefined) options.headRef = values['head-ref'];
  if (values['base-ref'] !== undefined) options.baseRef = values['base-ref'];
  if (values['run-dir'] !== undefined) options.runDir = values['run-dir'];
  if (values['tool-cache'] !== undefined) options.toolCache = values['tool-cache'];
  if (values['actions-repository'] !== undefined) options.actionsRepository = values['actions-repository'];
  if (values['bakeline-root'] !== undefined) options.bakelineRoot = values['bakeline-root'];
  if (values['id-token-endpoint'] !== undefined) options.idTokenIssuer = httpIdTokenIssuer(values['id-token-endpoint']);
  for (const name of approve) {
    if (options.environments !== undefined && !options.environments.environments.has(name)) {
      throw new Error(`--approve: environment '${name}' is not defined in ${values.environments}`);
    }
  }
  const outcome = await runWorkflow(options);
  for (const line of outputLines(outcome.result)) console.log(line);
  console.log(`run directory: ${outcome.runDir}`);
  console.log(`run page: ${writeRunPage(outcome.runDir, outcome.result, recorder)}`);
  if (values.json !== undefined) {
    writeFileSync(
      values.json,
      `${JSON.stringify({ ...outcome.result, runDir: outcome.runDir, sha: outcome.snapshot.sha }, null, 2)}\n`,
    );
  }
  return outcome.result.result === 'success' ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  },
);
