// Original file: proto/tributary/v1/client_service.proto

import type { Record as _tributary_v1_Record, Record__Output as _tributary_v1_Record__Output } from '../../tributary/v1/Record.js';

export interface PartitionProduceData {
  'partition'?: (number);
  /**
   * One or more concatenated Kafka RecordBatch v2 batches. Set either this or records, not both.
   */
  'batches'?: (Buffer | Uint8Array | string);
  /**
   * Plain records that the broker encodes into one batch.
   */
  'records'?: (_tributary_v1_Record)[];
}

export interface PartitionProduceData__Output {
  'partition': (number);
  /**
   * One or more concatenated Kafka RecordBatch v2 batches. Set either this or records, not both.
   */
  'batches': (Buffer);
  /**
   * Plain records that the broker encodes into one batch.
   */
  'records': (_tributary_v1_Record__Output)[];
}
