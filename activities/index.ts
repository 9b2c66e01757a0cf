import type { EntityManager } from '@mikro-orm/postgresql';
import type { IecDirectory } from './iec/iec-directory.js';
import { createIecActivities } from './iec/refresh-iec-record.js';

export interface ActivityDeps {
  /** a fresh entity manager per call: each activity forks its own */
  em: () => EntityManager;
  iecDirectory: IecDirectory;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createIecActivities(deps),
  };
}
export type Activities = ReturnType<typeof createActivities>;
