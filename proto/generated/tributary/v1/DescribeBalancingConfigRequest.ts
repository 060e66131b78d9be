// Original file: proto/tributary/v1/admin_service.proto


export interface DescribeBalancingConfigRequest {
}

export interface DescribeBalancingConfigRequest__Output {
}
