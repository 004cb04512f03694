/** Tags every resource the drill creates carries; cleanup only ever touches resources with them. */
export const TAG_ID = 'dr-drill-id';
export const TAG_EXPIRES = 'dr-drill-expires';
export const TAG_REPOSITORY = 'repository';
export const TAG_RUN = 'run';

export interface Tag {
  Key?: string;
  Value?: string;
}

/** `drill-<yyyymmddhhmmss>-<runid>[-a<attempt>]`: sortable, unique per run attempt, a valid DB identifier prefix. */
export function makeDrillId(now: Date, runId: string, runAttempt = '1'): string {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const run = runId.replace(/[^A-Za-z0-9]/g, '').slice(0, 20) || 'local';
  const attempt = runAttempt && runAttempt !== '1' ? `-a${runAttempt.replace(/\D/g, '')}` : '';
  return `drill-${stamp}-${run}${attempt}`.toLowerCase();
}

/** Identifier of a resource the drill creates: the drill id plus its role (`-restore`, `-replica`, ...). */
export function resourceId(drillId: string, role: string): string {
  return `${drillId}-${role}`.slice(0, 63).replace(/-+$/, '');
}

export function drillTags(
  drillId: string,
  expiresAt: Date,
  run: { repository: string; runUrl: string },
): Array<{ Key: string; Value: string }> {
  return [
    { Key: TAG_ID, Value: drillId },
    { Key: TAG_EXPIRES, Value: expiresAt.toISOString() },
    { Key: TAG_REPOSITORY, Value: run.repository.slice(0, 256) },
    { Key: TAG_RUN, Value: run.runUrl.slice(0, 256) },
  ];
}

export function tagValue(tags: Tag[] | undefined, key: string): string | undefined {
  return tags?.find((t) => t.Key === key)?.Value;
}
