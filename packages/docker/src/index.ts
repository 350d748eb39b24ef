export type { DockerBuildSpec } from './build-argv.ts';
export { Docker } from './docker.ts';
export type { DockerInfo, ImageStore } from './docker-info.ts';
export type { ExportPath } from './export-plan.ts';
