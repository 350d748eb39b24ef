// Benchmark: bakeline's jar and dockerfile builders vs `docker build`, and bakeline's registry push
// vs `skopeo copy` and `docker push`.
//   node bench/bake-push.ts [--runs 5]
// Same inputs in one run, warm (the base image is already local for both: an OCI layout for the
// jar builder, loaded in the engine for docker build), one warm-up then --runs timed runs each,
// interleaved. Pushes go into an empty registry started for each run (fresh storage directory),
// after an untimed `sync`, bakeline first in odd runs and skopeo first in even ones; skopeo runs
// with an empty blob-info cache (a private tmpfs over its cache directory), so neither tool can
// mount or skip a blob it has seen. Raw samples, min/median and ratios (bakeline / peer)
// are written to bench/results/bake-push.json. Fails when a peer did not run or a target is missed
// only if --strict is given (the figures are always written).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildDockerfileImage, buildJarImage, ensureBaseImage, loadLayoutIntoDocker } from '@bakeline/bake';
import { startDistribution } from '@bakeline/local-cloud';
import { pushImage, RegistryClient, readLayoutImage } from '@bakeline/oci';
import { execChecked, silentLogger } from '@bakeline/toolkit';
import { snapshotEngineImages } from './engine-leftovers.ts';
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
const loadAtStart = loadavg();
const JAVA_OPTIONS = '-XX:MaxRAMPercentage=75';

// ── inputs ──────────────────────────────────────────────────────────────────────────────────
console.log('preparing: base image, example JAR, docker context');
const base = await ensureBaseImage({ logger: silentLogger });
const baseImage = await readLayoutImage(base.layoutDir, { digest: base.digest });
await loadLayoutIntoDocker(base.layoutDir, base.digest, base.tag);
const engineImages = await snapshotEngineImages();
const work = mkdtempSync(join(tmpdir(), 'bakeline-bench-bake-'));
const service = join(work, 'licensing-service');
cpSync(join(root, 'examples', 'licensing-service'), service, {
  recursive: true,
  filter: (s) => !s.includes('/target'),
});
execFileSync('mvn', ['-o', '-q', 'package', '-DskipTests'], { cwd: service, stdio: 'inherit' });
const jarPath = join(service, 'target', 'licensing-service.jar');

// the Dockerfile equivalent of what the jar builder writes
const context = join(work, 'docker-context');
mkdirSync(context);
cpSync(jarPath, join(context, 'app.jar'));
writeFileSync(
  join(context, 'Dockerfile'),
  [
    `FROM ${base.tag}`,
    'COPY app.jar /app/app.jar',
    `ENV JAVA_OPTS="${JAVA_OPTIONS}"`,
    'WORKDIR /app',
    'USER 10001',
    'EXPOSE 8080',
    'ENTRYPOINT ["/bin/sh", "-c", "exec java $JAVA_OPTS -jar /app/app.jar \\"$@\\"", "java"]',
    '',
  ].join('\n'),
);

const jarOut = join(work, 'jar-out');
const bakeJar = () =>
  buildJarImage({
    jarPath,
    base: baseImage,
    outputDir: jarOut,
    sourceDateEpoch: SDE,
    settings: { javaOptions: JAVA_OPTIONS, ports: ['8080'] },
    annotations: {},
    logger: silentLogger,
    archive: false,
  });
const bakeJarWithArchive = () =>
  buildJarImage({
    jarPath,
    base: baseImage,
    outputDir: join(work, 'jar-out-archive'),
    sourceDateEpoch: SDE,
    settings: { javaOptions: JAVA_OPTIONS, ports: ['8080'] },
    annotations: {},
    logger: silentLogger,
  });
// The dockerfile builder on the same Dockerfile: the engine builds (classic, --no-cache), then
// docker save and the conversion to a reproducible OCI layout. "reuse" is the builder as it is (the
// base's compressed layer taken as it is, same diffID); "repack" is the same without the base
// image given, so every layer is re-packed and compressed (the builder before the reuse).
const dockerfileBake = (reuse: boolean) => () =>
  buildDockerfileImage({
    context,
    dockerfile: join(context, 'Dockerfile'),
    buildArgs: {},
    noCache: true,
    outputDir: join(work, reuse ? 'dockerfile-out' : 'dockerfile-out-repack'),
    sourceDateEpoch: SDE,
    annotations: {},
    labels: {},
    logger: silentLogger,
    env: { ...process.env, DOCKER_BUILDKIT: '0' },
    ...(reuse ? { baseImage } : {}),
  });
// The peer does the work the jar builder does on every run: the base image is local (warm), the
// application's steps are built afresh (--no-cache: FROM is not rebuilt, every later step is).
// With the layer cache hot and the same inputs, docker build does nothing; that is timed too, for
// information, but it is not the comparison.
const dockerBuildArgs = (noCache: boolean) => [
  'build',
  '--quiet',
  ...(noCache ? ['--no-cache'] : []),
  '--tag',
  'bakeline-bench/licensing-service:bench',
  context,
];
const dockerBuild = () =>
  execChecked('docker', dockerBuildArgs(true), { env: { ...process.env, DOCKER_BUILDKIT: '0' } });
// What a user of docker build needs for an image as a file (an artifact to test and push later,
// like the dockerfile builder's layout): the build, then `docker save`. The archive is the output:
// it is removed after the clock stops.
const savedArchive = join(work, 'docker-save.tar');
const dockerBuildAndSave = async () => {
  await dockerBuild();
  await execChecked('docker', ['save', '--output', savedArchive, 'bakeline-bench/licensing-service:bench']);
};
const dockerBuildCached = () =>
  execChecked('docker', dockerBuildArgs(false), { env: { ...process.env, DOCKER_BUILDKIT: '0' } });

// ── build: jar builder vs docker build ──────────────────────────────────────────────────────
console.log(`build: warm-up, then ${runs} runs each`);
const baked = await bakeJar();
await bakeJarWithArchive();
const dockerfileReuse = await dockerfileBake(true)();
const dockerfileRepack = await dockerfileBake(false)();
if (dockerfileReuse.layers[0]?.digest !== baseImage.manifest.layers[0]?.digest) {
  throw new Error('dockerfile builder: the base layer was not reused');
}
if (dockerfileRepack.layers[0]?.digest === baseImage.manifest.layers[0]?.digest) {
  throw new Error('dockerfile builder without the base: the base layer was not re-packed');
}
await dockerBuild();
await dockerBuildCached();
await dockerBuildAndSave();
rmSync(savedArchive);
const build = {
  jar: [] as number[],
  jarWithArchive: [] as number[],
  dockerfileReuse: [] as number[],
  dockerfileRepack: [] as number[],
  docker: [] as number[],
  dockerCacheHit: [] as number[],
  dockerAndSave: [] as number[],
};
const loadDuringRuns: number[] = [];
for (let i = 0; i < runs; i++) {
  loadDuringRuns.push(loadavg()[0] ?? 0);
  build.jar.push(await timed(bakeJar));
  build.jarWithArchive.push(await timed(bakeJarWithArchive));
  build.dockerfileReuse.push(await timed(dockerfileBake(true)));
  build.dockerfileRepack.push(await timed(dockerfileBake(false)));
  build.docker.push(await timed(dockerBuild));
  build.dockerCacheHit.push(await timed(dockerBuildCached));
  build.dockerAndSave.push(await timed(dockerBuildAndSave));
  rmSync(savedArchive);
}

// ── push: RegistryClient vs skopeo copy, each into an empty registry ───────────────────────
const image = await readLayoutImage(baked.layoutDir, { digest: baked.digest });
interface PushTool {
  /** Untimed, before the clock (docker: the tag naming the fresh registry). */
  prepare?: (host: string) => Promise<void>;
  push: (host: string) => Promise<void>;
  /** Untimed, after. */
  cleanup?: (host: string) => Promise<void>;
  /** What the registry must then serve: the layout's manifest by digest, or (docker, whose manifest differs) the tag. */
  check: 'digest' | 'tag';
}
async function inFreshRegistry(tool: PushTool): Promise<number> {
  const registry = await startDistribution();
  try {
    await tool.prepare?.(registry.host);
    await settle();
    const elapsed = await timed(() => tool.push(registry.host));
    const reference = tool.check === 'digest' ? baked.digest : 'bench';
    const check = await fetch(`${registry.url}/v2/bench/licensing-service/manifests/${reference}`, {
      method: 'HEAD',
      headers: { accept: `${image.manifest.mediaType}, application/vnd.docker.distribution.manifest.v2+json` },
    });
    if (
      check.status !== 200 ||
      (tool.check === 'digest' && check.headers.get('docker-content-digest') !== baked.digest)
    ) {
      throw new Error(
        `push check: the registry does not hold bench/licensing-service:${reference} (HTTP ${check.status})`,
      );
    }
    return elapsed;
  } finally {
    await tool.cleanup?.(registry.host);
    await registry.stop();
  }
}
const bakelinePush = (chunkSize?: number): PushTool => ({
  check: 'digest',
  push: (host) =>
    pushImage(
      new RegistryClient({ registry: host, logger: silentLogger, ...(chunkSize ? { chunkSize } : {}) }),
      image,
      {
        repository: 'bench/licensing-service',
        tags: ['bench'],
      },
    ).then(() => undefined),
});
// docker push of the baked image loaded into the engine (docker load, untimed, once); each run
// pushes to a registry on a new port, a host the engine has never pushed to, so it mounts nothing
// and compresses every layer as it pushes (what `docker build` + `docker push` costs).
const loadedTag = 'bakeline-bench/licensing-service:baked';
await loadLayoutIntoDocker(baked.layoutDir, baked.digest, loadedTag);
const dockerPush: PushTool = {
  check: 'tag',
  prepare: (host) =>
    execChecked('docker', ['tag', loadedTag, `${host}/bench/licensing-service:bench`]).then(() => undefined),
  push: (host) =>
    execChecked('docker', ['push', '--quiet', `${host}/bench/licensing-service:bench`], { timeoutMs: 600_000 }).then(
      () => undefined,
    ),
  cleanup: (host) =>
    execChecked('docker', ['image', 'rm', '--no-prune', `${host}/bench/licensing-service:bench`]).then(
      () => undefined,
      () => undefined,
    ),
};
const skopeoPush: PushTool = {
  check: 'digest',
  push: (host) =>
    skopeoWithEmptyCache([
      'copy',
      '--quiet',
      '--dest-tls-verify=false',
      `oci:${baked.layoutDir}`,
      `docker://${host}/bench/licensing-service:bench`,
    ]),
};

const CHUNKED = 32 * 1024 * 1024; // the previous default: PATCH chunks of 32 MiB
console.log(`push: warm-up, then ${runs} runs each (a new registry per run)`);
await inFreshRegistry(bakelinePush());
await inFreshRegistry(bakelinePush(CHUNKED));
await inFreshRegistry(skopeoPush);
await inFreshRegistry(dockerPush);
const push = {
  bakeline: [] as number[],
  bakelineChunked: [] as number[],
  skopeo: [] as number[],
  dockerPush: [] as number[],
  skopeoNamespaceOverhead: [] as number[],
};
for (let i = 0; i < runs; i++) {
  loadDuringRuns.push(loadavg()[0] ?? 0);
  // the two compared pushes swap places every run, so neither always follows the same work
  if (i % 2 === 0) {
    push.bakeline.push(await inFreshRegistry(bakelinePush()));
    push.skopeo.push(await inFreshRegistry(skopeoPush));
  } else {
    push.skopeo.push(await inFreshRegistry(skopeoPush));
    push.bakeline.push(await inFreshRegistry(bakelinePush()));
  }
  push.bakelineChunked.push(await inFreshRegistry(bakelinePush(CHUNKED)));
  push.dockerPush.push(await inFreshRegistry(dockerPush));
  push.skopeoNamespaceOverhead.push(await emptyCacheOverhead());
}
await execChecked('docker', ['image', 'rm', '--no-prune', loadedTag]).catch(() => undefined);
const hashFloor = await timed(() =>
  execChecked('sh', ['-c', 'cat "$1"/blobs/sha256/* | sha256sum', 'sh', baked.layoutDir]),
);

// ── report ──────────────────────────────────────────────────────────────────────────────────
checkSampleCounts({ ...build, ...push }, runs);
const figures = {
  benchmark: 'bake-push',
  date: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    node: process.version,
    loadAverageAtStart: loadAtStart,
    loadAverageAtEnd: loadavg(),
    loadAverage1mBeforeEachRun: loadDuringRuns,
  },
  runs,
  inputs: {
    jar: { bytes: execFileSync('stat', ['-c', '%s', jarPath], { encoding: 'utf8' }).trim() },
    baseImage: { digest: base.digest, layerBytes: base.layerSize },
    bakedDigest: baked.digest,
    bakedBytes: baked.size,
  },
  samplesMs: { build, push, hashFloorMs: hashFloor },
  statsMs: Object.fromEntries(Object.entries({ ...build, ...push }).map(([k, v]) => [k, stats(v)])),
  ratios: {
    jarBuilderVsDockerBuild: ratio(build.jar, build.docker),
    jarBuilderWithArchiveVsDockerBuild: ratio(build.jarWithArchive, build.docker),
    jarBuilderVsDockerBuildCacheHit: ratio(build.jar, build.dockerCacheHit),
    dockerfileBuilderVsDockerBuild: ratio(build.dockerfileReuse, build.docker),
    dockerfileBuilderVsDockerBuildAndSave: ratio(build.dockerfileReuse, build.dockerAndSave),
    dockerfileBuilderReuseVsRepack: ratio(build.dockerfileReuse, build.dockerfileRepack),
    pushVsSkopeo: ratio(push.bakeline, push.skopeo),
    pushVsDockerPush: ratio(push.bakeline, push.dockerPush),
    pushChunkedVsSkopeo: ratio(push.bakelineChunked, push.skopeo),
    pushVsPushChunked: ratio(push.bakeline, push.bakelineChunked),
  },
  targets: { jarBuilderVsDockerBuild: 0.3, pushVsSkopeo: 1.0 },
};
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'bake-push.json'), `${JSON.stringify(figures, null, 2)}\n`);
rmSync(work, { recursive: true, force: true });

const line = (name: string, samples: number[]) => console.log(formatLine(name, samples, 48));
line('jar builder (OCI layout)', build.jar);
line('jar builder (OCI layout + tar)', build.jarWithArchive);
line('dockerfile builder (base layers reused)', build.dockerfileReuse);
line('dockerfile builder (every layer re-packed)', build.dockerfileRepack);
line('docker build (classic, base local, --no-cache)', build.docker);
line('docker build (classic, every step cached)', build.dockerCacheHit);
line('docker build --no-cache + docker save', build.dockerAndSave);
line('bakeline push (empty registry)', push.bakeline);
line('bakeline push, 32 MiB chunks (empty registry)', push.bakelineChunked);
line('skopeo copy oci: docker:// (empty registry)', push.skopeo);
line('docker push (empty registry)', push.dockerPush);
line('  of which unshare+tmpfs for skopeo', push.skopeoNamespaceOverhead);
console.log(`hash floor (cat blobs | sha256sum): ${hashFloor.toFixed(0)} ms`);
const r = figures.ratios;
const show = (label: string, x: { min: number; median: number }, target?: number) =>
  console.log(formatRatio(label, x, target));
show('jar builder / docker build', r.jarBuilderVsDockerBuild, 0.3);
show('jar builder with tar / docker build', r.jarBuilderWithArchiveVsDockerBuild);
show('dockerfile builder / docker build', r.dockerfileBuilderVsDockerBuild);
show('dockerfile builder / docker build + docker save', r.dockerfileBuilderVsDockerBuildAndSave);
show('dockerfile builder, reuse / re-pack', r.dockerfileBuilderReuseVsRepack);
show('push / skopeo', r.pushVsSkopeo, 1.0);
show('push / docker push', r.pushVsDockerPush);
show('push chunked / skopeo', r.pushChunkedVsSkopeo);
show('push / push chunked', r.pushVsPushChunked);
console.log(
  `load average (1, 5, 15 min): at start ${loadAtStart.map((l) => l.toFixed(2)).join(' ')}, at end ${figures.machine.loadAverageAtEnd.map((l) => l.toFixed(2)).join(' ')}`,
);
const missed = [
  ...(r.jarBuilderVsDockerBuild.median > 0.3 ? ['jar builder > 0.3x docker build'] : []),
  ...(r.pushVsSkopeo.median > 1.0 ? ['push > 1.0x skopeo'] : []),
];
if (missed.length > 0) {
  console.log(`targets missed: ${missed.join('; ')}`);
  if (values.strict) process.exitCode = 1;
}
console.log(`removed ${await engineImages.removeNewImages()} images the runs left in the engine`);
