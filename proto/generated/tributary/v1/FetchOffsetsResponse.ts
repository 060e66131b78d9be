// Original file: proto/tributary/v1/group_service.proto

import type { CommittedOffset as _tributary_v1_CommittedOffset, CommittedOffset__Output as _tributary_v1_CommittedOffset__Output } from '../../tributary/v1/CommittedOffset.js';

export interface FetchOffsetsResponse {
  'offsets'?: (_tributary_v1_CommittedOffset)[];
}

export interface FetchOffsetsResponse__Output {
  'offsets': (_tributary_v1_CommittedOffset__Output)[];
}
