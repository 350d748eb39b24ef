// Builds (or takes from the cache) the JRE base image and prints where it is.
//   node packages/bake/src/cli/base-image.ts [--cache-dir <dir>] [--load] [--push <registry/repo:tag>] [--json]
// Prints `layout=<dir>`, `digest=<sha256:…>`, `config-digest=<sha256:…>` (and `image=` for --load,
// `pushed=` for --push); --json prints one JSON object instead.
import { parseArgs } from 'node:util';
import { consoleLogger, errorMessage, execChecked, formatBytes, formatDuration } from '@bakeline/toolkit';
import { ensureBaseImage } from '../base-image/ensure-base-image.ts';
import { loadLayoutIntoDocker } from '../base-image/load-into-docker.ts';

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
  const image = await ensureBaseImage({
    logger,
    ...(values['cache-dir'] ? { cacheDir: values['cache-dir'] } : {}),
  });
  const result: Record<string, string> = {
    layout: image.layoutDir,
    digest: image.digest,
    'config-digest': image.configDigest,
    tag: image.tag,
    'java-home': image.javaHome,
    'layer-size': String(image.layerSize),
    built: String(image.built),
    'build-time': formatDuration(image.buildMs),
  };
  logger.info(
    `${image.built ? 'built' : 'cached'}: ${image.layoutDir} (${formatBytes(image.layerSize)}, cold build took ${formatDuration(image.buildMs)})`,
  );
  if (values.load) {
    const loaded = await loadLayoutIntoDocker(image.layoutDir, image.digest, image.tag);
    if (loaded.imageId !== image.configDigest) {
      logger.warning(
        `the engine gave the image ID ${loaded.imageId}, not the config digest ${image.configDigest} (containerd image store?)`,
      );
    }
    result.image = image.tag;
    result['image-id'] = loaded.imageId;
  }
  if (values.push) {
    await execChecked('skopeo', [
      'copy',
      '--quiet',
      '--dest-tls-verify=false',
      `oci:${image.layoutDir}`,
      `docker://${values.push}`,
    ]);
    result.pushed = `${values.push.replace(/:[^:/]+$/, '')}@${image.digest}`;
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
