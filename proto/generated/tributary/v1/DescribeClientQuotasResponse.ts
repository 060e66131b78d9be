// Original file: proto/tributary/v1/security_service.proto

import type { ClientQuotaEntry as _tributary_v1_ClientQuotaEntry, ClientQuotaEntry__Output as _tributary_v1_ClientQuotaEntry__Output } from '../../tributary/v1/ClientQuotaEntry.js';

export interface DescribeClientQuotasResponse {
  'entries'?: (_tributary_v1_ClientQuotaEntry)[];
}

export interface DescribeClientQuotasResponse__Output {
  'entries': (_tributary_v1_ClientQuotaEntry__Output)[];
}
