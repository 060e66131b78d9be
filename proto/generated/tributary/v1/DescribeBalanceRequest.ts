// Original file: proto/tributary/v1/admin_service.proto


export interface DescribeBalanceRequest {
  'include_moves'?: (boolean);
}

export interface DescribeBalanceRequest__Output {
  'include_moves': (boolean);
}
