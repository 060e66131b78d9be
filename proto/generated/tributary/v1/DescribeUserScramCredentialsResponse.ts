// Original file: proto/tributary/v1/security_service.proto

import type { UserScramCredentials as _tributary_v1_UserScramCredentials, UserScramCredentials__Output as _tributary_v1_UserScramCredentials__Output } from '../../tributary/v1/UserScramCredentials.js';

export interface DescribeUserScramCredentialsResponse {
  'users'?: (_tributary_v1_UserScramCredentials)[];
}

export interface DescribeUserScramCredentialsResponse__Output {
  'users': (_tributary_v1_UserScramCredentials__Output)[];
}
