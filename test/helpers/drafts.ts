// Complete applications through the API: the same sample the demo and the benchmarks file.
export * from '../../scripts/lib/sample-application.js';
