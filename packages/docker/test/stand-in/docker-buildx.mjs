// A strict stand-in for the docker-buildx CLI plugin, for tests on machines without buildx.
// It speaks the CLI plugin protocol (the docker CLI runs `docker-buildx docker-cli-plugin-metadata`,
// then `docker-buildx buildx <args>`), reads the current builder from $DOCKER_CONFIG/buildx like
// buildx does, and the engine's image store from `docker info` (DriverStatus driver-type), and
// applies buildx's exporter rules with buildx's own error text:
//   docker/buildx build/opt.go (exporter set-up) and build/utils.go (notSupported):
//     "<Feature> is not supported for the <driver> driver.\nSwitch to a different driver, or turn
//      on the containerd image store, and try again.\nLearn more at <docs>"
//   driver/docker/driver.go Features: the docker driver has the OCI and Docker exporters only on
//     the containerd snapshotter; driver/docker-container/driver.go: always.
//   cmd/buildx/main.go: errors print as "ERROR: <message>" and exit 1.
// Where buildx accepts, it really builds through the engine (BuildKit through a client that
// still has the builtin BuildKit builder, or the legacy builder), then `docker save` for an
// archive exporter; `--load` leaves the image in the engine. Anything it does not emulate it
// refuses (exit 2), so a test cannot pass by accident.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const VERSION = 'v0.29.1-bakeline-stand-in';
const DOCS_EXPORTERS = 'https://docs.docker.com/go/build-exporters/';
const args = process.argv.slice(2);
const engineDocker = process.env.BAKELINE_STAND_IN_ENGINE_DOCKER ?? 'docker';
const buildkit = process.env.BAKELINE_STAND_IN_BUILDKIT === '1';

function fail(message, code = 1) {
  process.stderr.write(`ERROR: ${message}\n`);
  process.exit(code);
}

function notEmulated(what) {
  process.stderr.write(`buildx stand-in: ${what} is not emulated\n`);
  process.exit(2);
}

function run(command, argv, env = process.env) {
  const result = spawnSync(command, argv, { stdio: ['ignore', 'inherit', 'inherit'], env });
  if (result.error) fail(`${command}: ${result.error.message}`);
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function currentBuilder() {
  const dir = join(process.env.DOCKER_CONFIG ?? join(process.env.HOME ?? '/', '.docker'), 'buildx');
  const currentFile = join(dir, 'current');
  const name = existsSync(currentFile) ? JSON.parse(readFileSync(currentFile, 'utf8')).Name : 'default';
  if (name === 'default')
    return { Name: 'default', Driver: 'docker', Nodes: [{ Name: 'default', Endpoint: 'default' }] };
  const instance = join(dir, 'instances', name);
  if (!existsSync(instance)) fail(`no builder "${name}" found`);
  return JSON.parse(readFileSync(instance, 'utf8'));
}

function imageStore() {
  // through the `docker` first on PATH, as buildx asks the engine it talks to
  const result = spawnSync('docker', ['info', '--format', '{{json .DriverStatus}}'], { encoding: 'utf8' });
  if (result.status !== 0) fail(`docker info: ${result.stderr.trim()}`);
  const status = JSON.parse(result.stdout) ?? [];
  return status.some(([k, v]) => k === 'driver-type' && v === 'io.containerd.snapshotter.v1')
    ? 'containerd'
    : 'classic';
}

function notSupported(feature, driver, docs) {
  fail(
    `${feature} is not supported for the ${driver} driver.\nSwitch to a different driver, or turn on the containerd image store, and try again.\nLearn more at ${docs}`,
  );
}

function parseCsv(value) {
  const attrs = {};
  for (const field of value.split(',')) {
    const eq = field.indexOf('=');
    if (eq < 0) fail(`invalid value ${field}`);
    attrs[field.slice(0, eq)] = field.slice(eq + 1);
  }
  return attrs;
}

function inspect() {
  const builder = currentBuilder();
  const lines = [`Name:   ${builder.Name}`, `Driver: ${builder.Driver}`, '', 'Nodes:'];
  for (const node of builder.Nodes ?? []) {
    lines.push(`Name:             ${node.Name}`, `Endpoint:         ${node.Endpoint}`, 'Status:           running');
    lines.push('BuildKit version: v0.23.2', 'Platforms:        linux/amd64');
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

function build(argv) {
  const valueFlags = new Map([
    ['--output', 'outputs'],
    ['-o', 'outputs'],
    ['--tag', 'tags'],
    ['-t', 'tags'],
    ['--file', 'file'],
    ['-f', 'file'],
    ['--build-arg', 'buildArgs'],
    ['--label', 'labels'],
    ['--target', 'target'],
    ['--provenance', 'provenance'],
    ['--sbom', 'sbom'],
  ]);
  const o = { outputs: [], tags: [], buildArgs: [], labels: [], load: false, noCache: false, contexts: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (flag === '--load') o.load = true;
    else if (flag === '--no-cache') o.noCache = true;
    else if (valueFlags.has(flag)) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) fail(`flag needs an argument: ${flag}`);
      const key = valueFlags.get(flag);
      if (Array.isArray(o[key])) o[key].push(value);
      else o[key] = value;
    } else if (arg.startsWith('-')) fail(`unknown flag: ${flag}`);
    else o.contexts.push(arg);
  }
  if (o.contexts.length !== 1) fail(`"buildx build" requires exactly 1 argument.`);
  for (const [name, value] of [
    ['provenance', o.provenance],
    ['sbom', o.sbom],
  ]) {
    if (value !== 'false') notEmulated(`--${name}=${value ?? '(default)'}`);
  }
  const builder = currentBuilder();
  const driver = builder.Driver;
  if (driver !== 'docker' && driver !== 'docker-container') notEmulated(`driver ${driver}`);
  const store = imageStore();
  const outputs = o.outputs.map(parseCsv);
  if (o.load && !outputs.some((e) => e.type === 'docker' && e.dest === undefined)) outputs.push({ type: 'docker' });
  const files = [];
  let load = false;
  for (const e of outputs) {
    if (e.type === 'oci' || (e.type === 'docker' && e.dest !== undefined)) {
      const feature = e.type === 'oci' ? 'OCI exporter' : 'Docker exporter';
      if (driver === 'docker' && store !== 'containerd') notSupported(feature, driver, DOCS_EXPORTERS);
      if (e.type === 'oci') notEmulated('the OCI exporter output');
      if (!e.dest || e.dest === '-') notEmulated('an exporter output to stdout');
      files.push(e.dest);
    } else if (e.type === 'docker') load = true;
    else notEmulated(`exporter type=${e.type}`);
  }
  if (outputs.length === 0) {
    if (driver === 'docker') load = true;
    else
      process.stderr.write(
        'WARNING: No output specified with docker-container driver. Build result will only remain in the build cache. To push result image into registry use --push or to load image into docker use --load\n',
      );
  }
  const temp = `bakeline-buildx-stand-in:${process.pid}-${Date.now()}`;
  const tags = load && o.tags.length > 0 ? o.tags : [temp];
  const buildArgv = ['build', ...tags.flatMap((t) => ['--tag', t])];
  if (o.file) buildArgv.push('--file', o.file);
  for (const a of o.buildArgs) buildArgv.push('--build-arg', a);
  for (const l of o.labels) buildArgv.push('--label', l);
  if (o.target) buildArgv.push('--target', o.target);
  if (o.noCache) buildArgv.push('--no-cache');
  buildArgv.push(o.contexts[0]);
  run(engineDocker, buildArgv, { ...process.env, DOCKER_BUILDKIT: buildkit ? '1' : '0' });
  for (const dest of files) run(engineDocker, ['save', '--output', dest, tags[0]]);
  if (!load) for (const t of tags) run(engineDocker, ['image', 'rm', '--no-prune', t]);
}

if (args[0] === 'docker-cli-plugin-metadata') {
  process.stdout.write(
    `${JSON.stringify({ SchemaVersion: '0.1.0', Vendor: 'bakeline tests', Version: VERSION, ShortDescription: 'Strict stand-in for Docker Buildx' })}\n`,
  );
  process.exit(0);
}
if (args[0] !== 'buildx') notEmulated(`plugin call ${args.join(' ')}`);
const [sub, ...rest] = args.slice(1);
if (sub === 'version') process.stdout.write(`github.com/docker/buildx ${VERSION} 0000000\n`);
else if (sub === 'inspect' && rest.length === 0) inspect();
else if (sub === 'build') build(rest);
else notEmulated(`docker buildx ${sub ?? ''}`);
