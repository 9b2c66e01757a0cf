import { describe, expect, it } from 'vitest';
import { missingDependency } from '../../../api/http/dependencies.js';

const grpc = (code: number, details: string) => Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });

describe('missingDependency: which dependency an error says is down', () => {
  it('reads Temporal from a gRPC UNAVAILABLE or DEADLINE_EXCEEDED, however deep', () => {
    expect(missingDependency(grpc(14, 'No connection established'))).toBe('temporal');
    expect(missingDependency(new Error('update failed', { cause: grpc(4, 'Deadline exceeded') }))).toBe('temporal');
  });

  it('reads PostgreSQL from a refused connection or a server shutting down', () => {
    expect(missingDependency(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe('database');
    expect(missingDependency(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe('database');
    expect(missingDependency(Object.assign(new Error('wrapped'), { previous: Object.assign(new Error('x'), { code: '08006' }) }))).toBe('database');
  });

  it('reads nothing from other errors: a refusal, a bug, a gRPC NOT_FOUND', () => {
    expect(missingDependency(new TypeError('x is undefined'))).toBeUndefined();
    expect(missingDependency(grpc(5, 'workflow not found'))).toBeUndefined();
    expect(missingDependency(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBeUndefined();
  });
});

describe('the Temporal circuit: fail fast once Temporal was found unreachable', () => {
  it('gives the long deadline normally, the short one for a while after an outage was seen', async () => {
    const { createTemporalCircuit } = await import('../../../api/http/dependencies.js');
    let now = 0;
    const circuit = createTemporalCircuit({ normalMs: 25_000, whileDownMs: 1_500, forMs: 10_000, now: () => now });
    expect(circuit.deadlineMs()).toBe(25_000);
    circuit.noteDown();
    expect(circuit.deadlineMs()).toBe(1_500);
    now += 9_999;
    expect(circuit.deadlineMs()).toBe(1_500);
    now += 1;
    expect(circuit.deadlineMs()).toBe(25_000);
  });
});
