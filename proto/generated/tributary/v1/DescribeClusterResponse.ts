// Original file: proto/tributary/v1/admin_service.proto

import type { BrokerInfo as _tributary_v1_BrokerInfo, BrokerInfo__Output as _tributary_v1_BrokerInfo__Output } from '../../tributary/v1/BrokerInfo.js';

export interface DescribeClusterResponse {
  'cluster_id'?: (string);
  'controller_id'?: (number);
  'brokers'?: (_tributary_v1_BrokerInfo)[];
  'version'?: (string);
}

export interface DescribeClusterResponse__Output {
  'cluster_id': (string);
  'controller_id': (number);
  'brokers': (_tributary_v1_BrokerInfo__Output)[];
  'version': (string);
}
