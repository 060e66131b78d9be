// Original file: proto/tributary/v1/group_service.proto

import type { GroupMember as _tributary_v1_GroupMember, GroupMember__Output as _tributary_v1_GroupMember__Output } from '../../tributary/v1/GroupMember.js';

export interface DescribeGroupResponse {
  'group_id'?: (string);
  /**
   * empty, recovering (after a coordinator failover), assigning, reconciling or stable.
   */
  'state'?: (string);
  'group_epoch'?: (number);
  'target_epoch'?: (number);
  'members'?: (_tributary_v1_GroupMember)[];
}

export interface DescribeGroupResponse__Output {
  'group_id': (string);
  /**
   * empty, recovering (after a coordinator failover), assigning, reconciling or stable.
   */
  'state': (string);
  'group_epoch': (number);
  'target_epoch': (number);
  'members': (_tributary_v1_GroupMember__Output)[];
}
