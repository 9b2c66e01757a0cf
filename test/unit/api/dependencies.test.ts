import { describe, expect, it } from 'vitest';
import { missingDependency } from '../../../api/http/dependencies.js';

const grpc = (code: number, details: string) => Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });

describe('missingDependency: which dependency an error says is down', () => {
  it('reads Temporal from a gRPC UNAVAILABLE or DEADLINE_EXCEEDED, however deep', () => {
    expect(missingDependency(grpc(14, 'No connection established'))).toBe('temporal');
    expect(missingDependency(new Error('update failed', { cause: grpc(4, 'Deadline exceeded') }))).toBe('temporal');
  });

  it('reads Temporal from an Update call cut off (CANCELLED) as the server went away: the outcome is unknown, a retry finds it', async () => {
    const { WorkflowUpdateRPCTimeoutOrCancelledError } = await import('@temporalio/client');
    expect(missingDependency(grpc(1, 'Call cancelled'))).toBe('temporal');
    expect(missingDependency(new WorkflowUpdateRPCTimeoutOrCancelledError('Call cancelled', { cause: new Error('cut') }))).toBe('temporal');
  });

  it('reads the worker from a query no worker polls for (FAILED_PRECONDITION "no poller seen")', () => {
    const e = new Error('Failed to query Workflow', { cause: grpc(9, 'no poller seen for task queue recently, worker may be down') });
    expect(missingDependency(e)).toBe('worker');
    expect(missingDependency(grpc(9, 'some other precondition'))).toBeUndefined();
  });

  it('reads PostgreSQL from a refused connection or a server shutting down', () => {
    expect(missingDependency(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe('database');
    expect(missingDependency(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe('database');
    expect(missingDependency(Object.assign(new Error('wrapped'), { previous: Object.assign(new Error('x'), { code: '08006' }) }))).toBe('database');
    // a server killed under a query: the driver's own error, without a code
    expect(missingDependency(Object.assign(new Error('select 1 - Connection terminated unexpectedly'), { previous: new Error('Connection terminated unexpectedly') }))).toBe('database');
    expect(missingDependency(new Error('Client has encountered a connection error and is not queryable'))).toBe('database');
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
