/**
 * Errors with names. In Step Functions the error name is the contract with Retry and Catch: a step throws
 * TransientError for anything worth retrying (throttling, conflicts, network), anything else is caught and
 * recorded as FAILED.
 */
export const TRANSIENT_ERROR = 'TransientError';

export class TransientError extends Error {
  override readonly name = TRANSIENT_ERROR;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class ClaimNotFound extends Error {
  override readonly name = 'ClaimNotFound';
}

/** An invariant of the workflow did not hold; retrying will not help. */
export class WorkflowError extends Error {
  override readonly name = 'WorkflowError';
}

const TRANSIENT_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TransactionConflictException',
  'TransactionInProgressException',
  'TimeoutError',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'InjectedFault',
]);

export function isTransient(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === TRANSIENT_ERROR || TRANSIENT_NAMES.has(err.name)) return true;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && TRANSIENT_NAMES.has(code)) return true;
  const meta = (err as { $metadata?: { httpStatusCode?: number } }).$metadata;
  return typeof meta?.httpStatusCode === 'number' && meta.httpStatusCode >= 500;
}

/** Re-throw transient failures under the one name the state machine retries. */
export function classify(err: unknown): Error {
  if (isTransient(err) && !(err instanceof TransientError)) {
    return new TransientError(err instanceof Error ? `${err.name}: ${err.message}` : String(err), { cause: err });
  }
  return err instanceof Error ? err : new Error(String(err));
}
