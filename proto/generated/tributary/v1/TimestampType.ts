// Original file: proto/tributary/v1/common.proto

export const TimestampType = {
  TIMESTAMP_TYPE_CREATE_TIME: 'TIMESTAMP_TYPE_CREATE_TIME',
  TIMESTAMP_TYPE_LOG_APPEND_TIME: 'TIMESTAMP_TYPE_LOG_APPEND_TIME',
} as const;

export type TimestampType =
  | 'TIMESTAMP_TYPE_CREATE_TIME'
  | 0
  | 'TIMESTAMP_TYPE_LOG_APPEND_TIME'
  | 1

export type TimestampType__Output = typeof TimestampType[keyof typeof TimestampType]
