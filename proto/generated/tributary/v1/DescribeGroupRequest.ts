// Original file: proto/tributary/v1/group_service.proto


export interface DescribeGroupRequest {
  'group_id'?: (string);
}

export interface DescribeGroupRequest__Output {
  'group_id': (string);
}
