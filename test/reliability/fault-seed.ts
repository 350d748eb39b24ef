// The seed of a fault suite: BAKELINE_FAULT_SEED when set (a non-negative integer), else the
// suite's committed default. A bad value fails the suite before anything runs, naming it.
export const FAULT_SEED_VARIABLE = 'BAKELINE_FAULT_SEED';

export function faultSeed(fallback: number, env: Record<string, string | undefined> = process.env): number {
  const raw = env[FAULT_SEED_VARIABLE];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d{1,12}$/.test(raw.trim())) {
    throw new Error(`${FAULT_SEED_VARIABLE}: got '${raw}'; expected a non-negative integer (at most 12 digits)`);
  }
  return Number(raw.trim());
}
