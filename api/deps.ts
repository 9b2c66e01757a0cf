import type { Client } from '@temporalio/client';
import type { Config } from '../lib/config.js';
import type { Logger } from '../lib/logger.js';
import type { Orm } from '../db/orm.js';
import type { Authenticator } from './http/auth.js';

export interface ApiDeps {
  config: Config;
  logger: Logger;
  orm: Orm;
  temporal: Client;
  authenticator: Authenticator;
}
