// Original file: proto/tributary/v1/admin_service.proto


export interface DescribeClusterRequest {
}

export interface DescribeClusterRequest__Output {
}
