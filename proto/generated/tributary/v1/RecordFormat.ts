// Original file: proto/tributary/v1/common.proto

/**
 * How a read returns data: raw RecordBatch v2 bytes (fast: the broker does not decode) or decoded records
 * (convenient for tools).
 */
export const RecordFormat = {
  RECORD_FORMAT_BATCHES: 'RECORD_FORMAT_BATCHES',
  RECORD_FORMAT_RECORDS: 'RECORD_FORMAT_RECORDS',
} as const;

/**
 * How a read returns data: raw RecordBatch v2 bytes (fast: the broker does not decode) or decoded records
 * (convenient for tools).
 */
export type RecordFormat =
  | 'RECORD_FORMAT_BATCHES'
  | 0
  | 'RECORD_FORMAT_RECORDS'
  | 1

/**
 * How a read returns data: raw RecordBatch v2 bytes (fast: the broker does not decode) or decoded records
 * (convenient for tools).
 */
export type RecordFormat__Output = typeof RecordFormat[keyof typeof RecordFormat]
