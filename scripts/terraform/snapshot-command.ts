/** The command that writes the local cloud's Terraform snapshot again. */
export const SNAPSHOT_COMMAND = 'node scripts/terraform-snapshot.ts';
