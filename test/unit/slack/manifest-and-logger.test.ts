import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_COMMAND } from '../../../channels/slack/ids.js';
import { toBoltLogger } from '../../../channels/slack/logger.js';

const manifest = readFileSync(fileURLToPath(new URL('../../../channels/slack/manifest.yml', import.meta.url)), 'utf8');

describe('Slack app manifest', () => {
  it('declares what the code uses: the command, the scopes, the Home tab event, interactivity, Socket Mode', () => {
    expect(manifest).toContain(`- command: ${DEFAULT_COMMAND}\n`);
    for (const scope of ['chat:write', 'commands', 'im:write', 'users:read', 'users:read.email']) {
      expect(manifest).toMatch(new RegExp(`^\\s+- ${scope.replace('.', '\\.')}$`, 'm'));
    }
    expect(manifest).toMatch(/bot_events:\n\s+- app_home_opened\n/);
    expect(manifest).toMatch(/home_tab_enabled: true/);
    expect(manifest).toMatch(/interactivity:\n\s+is_enabled: true/);
    expect(manifest).toMatch(/socket_mode_enabled: true/);
    expect(manifest).not.toMatch(/\t/);
  });
});

describe('Bolt logger adapter', () => {
  it('turns variadic console-style calls into one structured entry', () => {
    const entries: [string, object, string | undefined][] = [];
    const log = (level: string) => (obj: object, msg?: string) => void entries.push([level, obj, msg]);
    const bolt = toBoltLogger({ debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') });
    const err = new Error('boom');
    bolt.warn('Request verification failed', err, { code: 42 });
    bolt.debug('plain');
    expect(entries).toEqual([
      ['warn', { component: 'slack', err, data: [{ code: 42 }] }, 'Request verification failed'],
      ['debug', { component: 'slack' }, 'plain'],
    ]);
  });
});
