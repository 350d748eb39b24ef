export { type MavenDistServer, startMavenDistServer } from './dist-server.ts';
export {
  type MachineMaven,
  machineMaven,
  type PackedDistribution,
  packMavenDistribution,
} from './pack-distribution.ts';
