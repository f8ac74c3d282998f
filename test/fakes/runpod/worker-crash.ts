/** What runpod-python reports when a handler raises: `error` is a JSON string (reference A.8). */
export function workerCrashError(message: string, workerId: string): string {
  return JSON.stringify({
    error_type: "<class 'RuntimeError'>",
    error_message: message,
    error_traceback: `Traceback (most recent call last):\n  File "/handler.py", line 42, in handler\nRuntimeError: ${message}\n`,
    hostname: `${workerId}-64410b3c`,
    worker_id: workerId,
    runpod_version: "1.7.9",
  });
}
