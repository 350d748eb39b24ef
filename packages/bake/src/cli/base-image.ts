// Builds (or takes from the cache) the JRE base image and prints where it is.
//   node packages/bake/src/cli/base-image.ts [--cache-dir <dir>] [--load] [--push <registry/repo:tag>] [--json]
// Prints `layout=<dir>`, `digest=<sha256:…>`, `config-digest=<sha256:…>` (and `image=` for --load,
// `pushed=` for --push); --json prints one JSON object instead.
import { parseArgs } from 'node:util';
import { formatReference, parseReference, pushImage, RegistryClient, readLayoutImage } from '@bakeline/oci';
import { consoleLogger, errorMessage, formatBytes, formatDuration } from '@bakeline/toolkit';
import { ensureBaseImage } from '../jre-base-image/ensure-base-image.ts';
import { loadLayoutIntoDocker } from '../jre-base-image/load-into-docker.ts';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'cache-dir': { type: 'string' },
      load: { type: 'boolean', default: false },
      push: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const logger = values.json ? { ...consoleLogger, info: (m: string) => console.error(m) } : consoleLogger;
  const base = await ensureBaseImage({
    logger,
    ...(values['cache-dir'] ? { cacheDir: values['cache-dir'] } : {}),
  });
  const result: Record<string, string> = {
    layout: base.layoutDir,
    digest: base.digest,
    'config-digest': base.configDigest,
    tag: base.tag,
    'java-home': base.javaHome,
    'layer-size': String(base.layerSize),
    built: String(base.built),
    'build-time': formatDuration(base.buildMs),
  };
  logger.info(
    `${base.built ? 'built' : 'cached'}: ${base.layoutDir} (${formatBytes(base.layerSize)}, cold build took ${formatDuration(base.buildMs)})`,
  );
  if (values.load) {
    const loaded = await loadLayoutIntoDocker(base.layoutDir, base.digest, base.tag);
    if (loaded.imageId !== base.configDigest) {
      logger.warning(
        `the engine gave the image ID ${loaded.imageId}, not the config digest ${base.configDigest} (containerd image store?)`,
      );
    }
    result.image = base.tag;
    result['image-id'] = loaded.imageId;
  }
  if (values.push) {
    const target = parseReference(values.push);
    const client = new RegistryClient({ registry: target.registry, logger });
    const image = await readLayoutImage(base.layoutDir, { digest: base.digest });
    const pushed = await pushImage(client, image, {
      repository: target.repository,
      ...(target.tag ? { tags: [target.tag] } : {}),
    });
    result.pushed = formatReference({
      registry: target.registry,
      repository: target.repository,
      digest: pushed.digest,
    });
  }
  if (values.json) console.log(JSON.stringify(result));
  else for (const [k, v] of Object.entries(result)) console.log(`${k}=${v}`);
  return 0;
}

try {
  process.exitCode = await main();
} catch (error: unknown) {
  console.error(`base-image: ${errorMessage(error)}`);
  process.exitCode = 1;
}
