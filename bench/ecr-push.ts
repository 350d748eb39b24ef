// Benchmark: ecr-push's push path vs `skopeo copy oci:` vs `docker push`, into ECR (the local
// cloud's ECR registry front over a real Distribution registry), and the re-push after a one-line
// source change as a ratio of the full push.
//   node bench/ecr-push.ts [--runs 5] [--strict]
// Same layout for every tool, one warm-up then --runs timed runs, interleaved. Every push goes into
// an empty registry started for it (a new local cloud: fresh storage, new port), with the
// repository created and the registry password issued before the clock starts; skopeo runs with an
// empty blob-info cache (a private tmpfs over its cache directory) and docker pushes to a registry
// host it has never seen, so no tool can skip or mount a blob it met before. An untimed `sync`
// comes before every push, and ecr-push and skopeo swap places every run. After each push the
// registry must hold the image (ECR's own record of the repository). Raw samples, min/median and
// ratios (ecr-push / peer) go to bench/results/ecr-push.json. Fails when a peer did not run; with
// --strict, also when a target is missed.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createEcrClient, ensureRepository, pushImageToEcr } from '@bakeline/aws';
import { buildJarImage, ensureBaseImage, loadLayoutIntoDocker } from '@bakeline/bake';
import { type LocalCloud, startLocalCloud } from '@bakeline/local-cloud';
import { type LoadedImage, readLayoutImage, verifyLayout } from '@bakeline/oci';
import { execChecked, silentLogger } from '@bakeline/toolkit';
import {
  checkSampleCounts,
  emptyCacheOverhead,
  formatLine,
  formatRatio,
  ratio,
  settle,
  skopeoWithEmptyCache,
  stats,
  timed,
} from './measure.ts';

const root = join(import.meta.dirname, '..');
const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, strict: { type: 'boolean', default: false } },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 5) throw new Error(`--runs: got "${values.runs}"; expected an integer >= 5`);

const SDE = 1_700_000_000;
// the example's repository: terraform apply creates it, and its push role may push only there
const REPOSITORY = 'ostock/licensing-service';
const ROLE = 'bakeline-ecr-push';

// ── inputs: the example service baked on the JRE base, and again after a one-line change ──────
console.log('preparing: base image, example JAR (and a one-line change of it), layouts, docker load');
const base = await ensureBaseImage({ logger: silentLogger });
const baseImage = await readLayoutImage(base.layoutDir, { digest: base.digest });
const work = mkdtempSync(join(tmpdir(), 'bakeline-bench-ecr-push-'));

async function bakeService(name: string, edit?: (source: string) => void): Promise<LoadedImage> {
  const service = join(work, name);
  cpSync(join(root, 'examples', 'licensing-service'), service, {
    recursive: true,
    filter: (s) => !s.includes('/target'),
  });
  edit?.(service);
  execFileSync('mvn', ['-o', '-q', 'package', '-DskipTests'], { cwd: service, stdio: 'inherit' });
  const baked = await buildJarImage({
    jarPath: join(service, 'target', 'licensing-service.jar'),
    base: baseImage,
    outputDir: join(work, `${name}-out`),
    sourceDateEpoch: SDE,
    settings: { javaOptions: '-XX:MaxRAMPercentage=75', ports: ['8080'] },
    annotations: {},
    logger: silentLogger,
    archive: false,
  });
  return readLayoutImage(baked.layoutDir, { digest: baked.digest });
}

const image = await bakeService('original');
const changed = await bakeService('changed', (service) => {
  const file = join(service, 'src/main/java/com/optimagrowth/license/HealthHandler.java');
  const source = readFileSync(file, 'utf8');
  const edited = source.replace('"no such resource: "', '"no such health resource: "');
  if (edited === source) throw new Error(`one-line change: the line to change is gone from ${file}`);
  writeFileSync(file, edited);
});
const blobsOf = (i: LoadedImage) => [i.manifest.config, ...i.manifest.layers];
const newBlobs = blobsOf(changed).filter((d) => !blobsOf(image).some((o) => o.digest === d.digest));
console.log(
  `image ${image.digest}: ${blobsOf(image).reduce((s, d) => s + d.size, 0)} bytes in ${blobsOf(image).length} blobs; after the one-line change ${newBlobs.length} new blobs, ${newBlobs.reduce((s, d) => s + d.size, 0)} bytes`,
);
const dockerTag = 'bakeline-bench/ecr-push:bench';
await loadLayoutIntoDocker(image.layoutDir, image.digest, dockerTag);

// ── one empty ECR per push ────────────────────────────────────────────────────────────────────
interface Target {
  cloud: LocalCloud;
  host: string;
  password: string;
  credentials: () => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken: string }>;
}

async function freshEcr(): Promise<Target> {
  const cloud = await startLocalCloud({ kube: false, log: () => {}, pipelineIam: 'terraform-snapshot' });
  const role = cloud.admin.roleCredentials(ROLE, { sessionName: 'bench' });
  const creds = {
    accessKeyId: role.accessKeyId,
    secretAccessKey: role.secretAccessKey,
    sessionToken: role.sessionToken,
  };
  const credentials = async () => creds;
  const ecr = createEcrClient({ region: cloud.endpoints.region, credentials, endpoint: cloud.endpoints.ecr });
  await ensureRepository(ecr, { name: REPOSITORY, create: true });
  ecr.destroy();
  return {
    cloud,
    host: cloud.endpoints.registry.host,
    password: cloud.admin.registryPassword(role.accessKeyId),
    credentials,
  };
}

function holds(target: Target, check: { digest?: string; tag?: string }): void {
  const repo = target.cloud.admin.ecr.getRepository(REPOSITORY);
  const ok = check.digest ? repo?.images.has(check.digest) : repo?.tags.has(check.tag ?? '');
  if (!ok) throw new Error(`push check: ${target.host}/${REPOSITORY} does not hold ${check.digest ?? check.tag}`);
}

async function inFreshEcr(push: (target: Target) => Promise<number>): Promise<number> {
  const target = await freshEcr();
  try {
    await settle();
    return await push(target);
  } finally {
    await target.cloud.stop();
  }
}

const ecrPush = (target: Target, pushed: LoadedImage, tag: string) =>
  pushImageToEcr({
    image: pushed,
    repository: REPOSITORY,
    tags: [tag],
    region: target.cloud.endpoints.region,
    credentials: target.credentials,
    ecrEndpoint: target.cloud.endpoints.ecr,
    createRepository: true,
    concurrency: 4,
    mask: () => {},
    logger: silentLogger,
  });

const ecrPushRun = (target: Target) =>
  timed(() => ecrPush(target, image, 'bench')).then((ms) => {
    holds(target, { digest: image.digest });
    return ms;
  });

// the action's whole path after the inputs: verify the layout (every blob hashed), then push
const ecrPushVerifiedRun = (target: Target) =>
  timed(async () => ecrPush(target, await verifyLayout(image.layoutDir, image.digest), 'bench')).then((ms) => {
    holds(target, { digest: image.digest });
    return ms;
  });

// full push, then the one-line change pushed into the same repository
const rePushRun = async (target: Target) => {
  const full = await timed(() => ecrPush(target, image, 'bench'));
  const again = await timed(() => ecrPush(target, changed, 'bench-changed'));
  holds(target, { digest: changed.digest });
  return { full, again };
};

const skopeoRun = (target: Target) =>
  timed(() =>
    skopeoWithEmptyCache([
      'copy',
      '--quiet',
      '--dest-tls-verify=false',
      '--dest-creds',
      `AWS:${target.password}`,
      `oci:${image.layoutDir}`,
      `docker://${target.host}/${REPOSITORY}:bench`,
    ]),
  ).then((ms) => {
    holds(target, { digest: image.digest });
    return ms;
  });

// docker push of the loaded image; login and tag before the clock, the tag removed after
const dockerRun = async (target: Target) => {
  const config = mkdtempSync(join(tmpdir(), 'bakeline-bench-docker-'));
  const remote = `${target.host}/${REPOSITORY}:bench`;
  try {
    await execChecked('docker', ['--config', config, 'login', '--username', 'AWS', '--password-stdin', target.host], {
      input: target.password,
    });
    await execChecked('docker', ['tag', dockerTag, remote]);
    const ms = await timed(() =>
      execChecked('docker', ['--config', config, 'push', '--quiet', remote], { timeoutMs: 300_000 }),
    );
    holds(target, { tag: 'bench' });
    return ms;
  } finally {
    await execChecked('docker', ['rmi', remote]).catch(() => undefined);
    rmSync(config, { recursive: true, force: true });
  }
};

console.log(`push: warm-up, then ${runs} runs each (a new local cloud per push)`);
await inFreshEcr(ecrPushRun);
await inFreshEcr(skopeoRun);
await inFreshEcr(dockerRun);
await inFreshEcr(async (t) => (await rePushRun(t)).full);
const samples = {
  ecrPush: [] as number[],
  ecrPushWithVerify: [] as number[],
  skopeo: [] as number[],
  dockerPush: [] as number[],
  fullPush: [] as number[],
  rePushAfterChange: [] as number[],
  skopeoNamespaceOverhead: [] as number[],
};
for (let i = 0; i < runs; i++) {
  // the two compared pushes swap places every run, so neither always follows the same work
  if (i % 2 === 0) {
    samples.ecrPush.push(await inFreshEcr(ecrPushRun));
    samples.skopeo.push(await inFreshEcr(skopeoRun));
  } else {
    samples.skopeo.push(await inFreshEcr(skopeoRun));
    samples.ecrPush.push(await inFreshEcr(ecrPushRun));
  }
  samples.dockerPush.push(await inFreshEcr(dockerRun));
  samples.ecrPushWithVerify.push(await inFreshEcr(ecrPushVerifiedRun));
  const re = await inFreshEcr(async (t) => {
    const r = await rePushRun(t);
    samples.fullPush.push(r.full);
    return r.again;
  });
  samples.rePushAfterChange.push(re);
  samples.skopeoNamespaceOverhead.push(await emptyCacheOverhead());
  console.log(`  run ${i + 1}/${runs} done`);
}
const hashFloor = await timed(() =>
  execChecked('sh', ['-c', 'cat "$1"/blobs/sha256/* | sha256sum', 'sh', image.layoutDir]),
);
await execChecked('docker', ['rmi', dockerTag]).catch(() => undefined);

// ── report ──────────────────────────────────────────────────────────────────────────────────
checkSampleCounts(samples, runs);
const ratios = {
  ecrPushVsSkopeo: ratio(samples.ecrPush, samples.skopeo),
  ecrPushVsDockerPush: ratio(samples.ecrPush, samples.dockerPush),
  rePushVsFullPush: ratio(samples.rePushAfterChange, samples.fullPush),
  ecrPushWithVerifyVsSkopeo: ratio(samples.ecrPushWithVerify, samples.skopeo),
};
const targets = { ecrPushVsSkopeo: 1.0, ecrPushVsDockerPush: 0.5, rePushVsFullPush: 0.15 };
const figures = {
  benchmark: 'ecr-push',
  date: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    node: process.version,
    load: execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).trim(),
  },
  runs,
  inputs: {
    digest: image.digest,
    bytes: blobsOf(image).reduce((s, d) => s + d.size, 0),
    blobs: blobsOf(image).length,
    baseImage: { digest: base.digest, layerBytes: base.layerSize },
    changedDigest: changed.digest,
    changedNewBlobs: newBlobs.length,
    changedNewBytes: newBlobs.reduce((s, d) => s + d.size, 0),
  },
  samplesMs: { ...samples, hashFloor },
  statsMs: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, stats(v)])),
  ratios,
  targets,
};
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'ecr-push.json'), `${JSON.stringify(figures, null, 2)}\n`);
rmSync(work, { recursive: true, force: true });

const line = (name: string, list: number[]) => console.log(formatLine(name, list, 48));
line('ecr-push push path (empty ECR)', samples.ecrPush);
line('ecr-push verify + push (empty ECR)', samples.ecrPushWithVerify);
line('skopeo copy oci: docker:// (empty ECR)', samples.skopeo);
line('  of which unshare+tmpfs for skopeo', samples.skopeoNamespaceOverhead);
line('docker push after docker load (empty ECR)', samples.dockerPush);
line('ecr-push full push (re-push runs)', samples.fullPush);
line('ecr-push re-push after a one-line change', samples.rePushAfterChange);
console.log(`hash floor (cat blobs | sha256sum): ${hashFloor.toFixed(0)} ms`);
const show = (name: string, r: { min: number; median: number }, target?: number) =>
  console.log(formatRatio(name, r, target));
show('ecr-push / skopeo', ratios.ecrPushVsSkopeo, targets.ecrPushVsSkopeo);
show('ecr-push / docker push', ratios.ecrPushVsDockerPush, targets.ecrPushVsDockerPush);
show('re-push / full push', ratios.rePushVsFullPush, targets.rePushVsFullPush);
show('ecr-push with verify / skopeo', ratios.ecrPushWithVerifyVsSkopeo);
const missed = Object.entries(targets)
  .filter(([k, t]) => ratios[k as keyof typeof targets].median > t)
  .map(([k, t]) => `${k} median ${ratios[k as keyof typeof targets].median.toFixed(3)}x > ${t}x`);
if (missed.length > 0) {
  console.log(`targets missed: ${missed.join('; ')}`);
  if (values.strict) process.exitCode = 1;
}
