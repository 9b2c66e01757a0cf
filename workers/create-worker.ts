import { fileURLToPath } from 'node:url';
import { DefaultLogger, NativeConnection, Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { DataConverter, Logger as TemporalLogger } from '@temporalio/common';
import { createActivities, type ActivityDeps } from '../activities/index.js';
import { TASK_QUEUE } from '../workflows/task-queues.js';
import { FAILURE_CONVERTER_PATH } from '../lib/temporal-codec.js';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/** Bundles the workflow code once (webpack); tests share one bundle across their workers. */
export async function bundleWorkflows(logger?: TemporalLogger): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    // failures raised in workflow code carry their message encoded, as the worker's own (lib/temporal-codec.ts)
    failureConverterPath: FAILURE_CONVERTER_PATH,
    logger: logger ?? new DefaultLogger('WARN'),
    webpackConfigHook: (config) => {
      // workflow sources import siblings as './x.js' (NodeNext); let webpack find the .ts file
      config.resolve = { ...config.resolve, extensionAlias: { '.js': ['.ts', '.js'] } };
      return config;
    },
  });
}

export async function createWorker(opts: {
  connection: NativeConnection;
  namespace: string;
  deps: ActivityDeps;
  workflowBundle: WorkflowBundleWithSourceMap;
  /** temporalDataConverter(config.temporal.codec): the payloads it exchanges with Temporal are encrypted */
  dataConverter: DataConverter;
  taskQueue?: string;
  maxConcurrentActivityTaskExecutions?: number;
}): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue ?? TASK_QUEUE,
    workflowBundle: opts.workflowBundle,
    dataConverter: opts.dataConverter,
    activities: createActivities(opts.deps),
    maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivityTaskExecutions ?? 50,
    shutdownGraceTime: '10 seconds',
  });
}
