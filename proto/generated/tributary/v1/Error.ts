// Original file: proto/tributary/v1/common.proto


/**
 * A failure attached to one item of a batched response (one partition of a produce, one topic of a
 * create). Whole-request failures use the gRPC status instead, with the same reason in the trailing
 * metadata key `tributary-reason`. Reasons are stable UPPER_SNAKE_CASE names; see docs/api.md.
 */
export interface Error {
  /**
   * gRPC status code that this failure would have as a whole-request status.
   */
  'code'?: (number);
  /**
   * Machine-readable reason, e.g. UNKNOWN_TOPIC, CRC_MISMATCH, OFFSET_OUT_OF_RANGE.
   */
  'reason'?: (string);
  /**
   * Human-readable explanation.
   */
  'message'?: (string);
  /**
   * True when the same request may succeed if retried after a backoff.
   */
  'retriable'?: (boolean);
}

/**
 * A failure attached to one item of a batched response (one partition of a produce, one topic of a
 * create). Whole-request failures use the gRPC status instead, with the same reason in the trailing
 * metadata key `tributary-reason`. Reasons are stable UPPER_SNAKE_CASE names; see docs/api.md.
 */
export interface Error__Output {
  /**
   * gRPC status code that this failure would have as a whole-request status.
   */
  'code': (number);
  /**
   * Machine-readable reason, e.g. UNKNOWN_TOPIC, CRC_MISMATCH, OFFSET_OUT_OF_RANGE.
   */
  'reason': (string);
  /**
   * Human-readable explanation.
   */
  'message': (string);
  /**
   * True when the same request may succeed if retried after a backoff.
   */
  'retriable': (boolean);
}
