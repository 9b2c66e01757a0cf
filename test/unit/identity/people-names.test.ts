import { describe, expect, it } from 'vitest';
import { actorsWithoutNames, auditActorShown, lacksName, withPeopleNames } from '../../../services/identity/people-names.js';

describe("people are shown by their names, not their user ids", () => {
  const state = {
    status: 'In-Process',
    history: [
      { at: '2026-12-01T10:00:00Z', status: 'Pending Signature', actor: { id: 'AABCS1429B-1', name: 'Sunita Rao', channel: 'api' } },
      { at: '2026-12-01T10:01:00Z', status: 'Pending Payment', actor: { id: 'AABCS1429B-1', name: 'AABCS1429B-1', channel: 'api' } },
      { at: '2026-12-01T10:02:00Z', status: 'In-Process', actor: { id: 'system', name: 'system', channel: 'workflow' } },
    ],
    deficiencies: [{ round: 1, raisedBy: { id: 'officer-eic-mum', name: 'Priya Deshpande', channel: 'slack' }, response: { by: { id: 'AABCS1429B-2', name: '', channel: 'email' }, kind: 'edit' } }],
    fee: { totalPaise: 59000, lines: [{ description: 'fee', amountPaise: 50000 }] },
  };

  it('finds the actors recorded by id', () => {
    expect(lacksName({ id: 'AABCS1429B-1', name: 'AABCS1429B-1' })).toBe(true);
    expect(lacksName({ id: 'AABCS1429B-1', name: ' ' })).toBe(true);
    expect(lacksName({ id: 'AABCS1429B-1', name: 'Sunita Rao' })).toBe(false);
    expect(actorsWithoutNames(state).sort()).toEqual(['AABCS1429B-1', 'AABCS1429B-2', 'system']);
  });

  it('names them, keeps the id beside the name, and leaves unknown ids and everything else as it was', () => {
    const names = new Map([
      ['AABCS1429B-1', 'Sunita Rao'],
      ['AABCS1429B-2', 'Arun Rao'],
    ]);
    const named = withPeopleNames(state, names);
    expect(named.history.map((h) => h.actor)).toEqual([
      { id: 'AABCS1429B-1', name: 'Sunita Rao', channel: 'api' },
      { id: 'AABCS1429B-1', name: 'Sunita Rao', channel: 'api' },
      { id: 'system', name: 'system', channel: 'workflow' },
    ]);
    expect(named.deficiencies[0]!.response.by).toEqual({ id: 'AABCS1429B-2', name: 'Arun Rao', channel: 'email' });
    expect(named.deficiencies[0]!.raisedBy.name).toBe('Priya Deshpande');
    expect(named.fee).toEqual(state.fee);
    // the state itself is not changed
    expect(state.history[1]!.actor.name).toBe('AABCS1429B-1');
  });

  it('shows an audit actor recorded by bare id with the name beside it, and leaves "id (name)", system and unknown ids alone', () => {
    const names = new Map([['AABCS1429B-1', 'Sunita Rao']]);
    expect(auditActorShown('AABCS1429B-1', names)).toBe('AABCS1429B-1 (Sunita Rao)');
    expect(auditActorShown('system', names)).toBe('system');
    expect(auditActorShown('AABCS1429B-9', names)).toBe('AABCS1429B-9');
  });
});
