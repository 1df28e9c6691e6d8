/**
 * Preloaded into the daemon (`--import`) by the bench's --heap-profile: V8's sampling heap profiler,
 * started through the inspector with the objects later collected kept in the samples, so the profile
 * shows where garbage is made, not only what is alive at the end (`node --heap-prof` shows only that).
 * Written on SIGTERM, before the daemon's own handler runs, to
 * $SMPPD_BENCH_HEAP_PROF_DIR/heap-<pid>.heapprofile; `bench/profile-summary.ts` reads it.
 * Plain JavaScript: the bench runs the compiled daemon with node alone.
 */
import inspector from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';

const dir = process.env.SMPPD_BENCH_HEAP_PROF_DIR;
if (dir && isMainThread) {
  const session = new inspector.Session();
  session.connect();
  session.post('HeapProfiler.enable');
  session.post('HeapProfiler.startSampling', {
    samplingInterval: 8192, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true,
  });
  process.prependListener('SIGTERM', () => {
    // An in-process session answers synchronously: the file is written before the daemon starts to stop.
    session.post('HeapProfiler.stopSampling', (err, res) => {
      if (!err) writeFileSync(join(dir, `heap-${process.pid}.heapprofile`), JSON.stringify(res.profile));
    });
  });
}
