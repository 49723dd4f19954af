/** The two ways the jobs can be scheduled. */
export type Scheduler = 'cron' | 'systemd';
export const SCHEDULERS: readonly Scheduler[] = ['cron', 'systemd'];
