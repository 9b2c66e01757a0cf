/** Used only by the benchmark's baseline workflow (workflows/bench/noop.ts). */
export function createBenchActivities() {
  return {
    async benchNoop(i: number): Promise<number> {
      return i;
    },
  };
}
