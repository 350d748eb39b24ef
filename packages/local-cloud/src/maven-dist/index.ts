export { type MavenDistServer, startMavenDistServer } from './dist-server.ts';
export { machineMaven, type PackedDistribution, packMavenDistribution } from './pack-distribution.ts';
