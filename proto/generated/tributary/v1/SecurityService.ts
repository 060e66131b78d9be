// Original file: proto/tributary/v1/security_service.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AlterClientQuotasRequest as _tributary_v1_AlterClientQuotasRequest, AlterClientQuotasRequest__Output as _tributary_v1_AlterClientQuotasRequest__Output } from '../../tributary/v1/AlterClientQuotasRequest.js';
import type { AlterClientQuotasResponse as _tributary_v1_AlterClientQuotasResponse, AlterClientQuotasResponse__Output as _tributary_v1_AlterClientQuotasResponse__Output } from '../../tributary/v1/AlterClientQuotasResponse.js';
import type { AlterUserScramCredentialsRequest as _tributary_v1_AlterUserScramCredentialsRequest, AlterUserScramCredentialsRequest__Output as _tributary_v1_AlterUserScramCredentialsRequest__Output } from '../../tributary/v1/AlterUserScramCredentialsRequest.js';
import type { AlterUserScramCredentialsResponse as _tributary_v1_AlterUserScramCredentialsResponse, AlterUserScramCredentialsResponse__Output as _tributary_v1_AlterUserScramCredentialsResponse__Output } from '../../tributary/v1/AlterUserScramCredentialsResponse.js';
import type { AuthenticateRequest as _tributary_v1_AuthenticateRequest, AuthenticateRequest__Output as _tributary_v1_AuthenticateRequest__Output } from '../../tributary/v1/AuthenticateRequest.js';
import type { AuthenticateResponse as _tributary_v1_AuthenticateResponse, AuthenticateResponse__Output as _tributary_v1_AuthenticateResponse__Output } from '../../tributary/v1/AuthenticateResponse.js';
import type { CreateAclsRequest as _tributary_v1_CreateAclsRequest, CreateAclsRequest__Output as _tributary_v1_CreateAclsRequest__Output } from '../../tributary/v1/CreateAclsRequest.js';
import type { CreateAclsResponse as _tributary_v1_CreateAclsResponse, CreateAclsResponse__Output as _tributary_v1_CreateAclsResponse__Output } from '../../tributary/v1/CreateAclsResponse.js';
import type { DeleteAclsRequest as _tributary_v1_DeleteAclsRequest, DeleteAclsRequest__Output as _tributary_v1_DeleteAclsRequest__Output } from '../../tributary/v1/DeleteAclsRequest.js';
import type { DeleteAclsResponse as _tributary_v1_DeleteAclsResponse, DeleteAclsResponse__Output as _tributary_v1_DeleteAclsResponse__Output } from '../../tributary/v1/DeleteAclsResponse.js';
import type { DescribeAclsRequest as _tributary_v1_DescribeAclsRequest, DescribeAclsRequest__Output as _tributary_v1_DescribeAclsRequest__Output } from '../../tributary/v1/DescribeAclsRequest.js';
import type { DescribeAclsResponse as _tributary_v1_DescribeAclsResponse, DescribeAclsResponse__Output as _tributary_v1_DescribeAclsResponse__Output } from '../../tributary/v1/DescribeAclsResponse.js';
import type { DescribeClientQuotasRequest as _tributary_v1_DescribeClientQuotasRequest, DescribeClientQuotasRequest__Output as _tributary_v1_DescribeClientQuotasRequest__Output } from '../../tributary/v1/DescribeClientQuotasRequest.js';
import type { DescribeClientQuotasResponse as _tributary_v1_DescribeClientQuotasResponse, DescribeClientQuotasResponse__Output as _tributary_v1_DescribeClientQuotasResponse__Output } from '../../tributary/v1/DescribeClientQuotasResponse.js';
import type { DescribeUserScramCredentialsRequest as _tributary_v1_DescribeUserScramCredentialsRequest, DescribeUserScramCredentialsRequest__Output as _tributary_v1_DescribeUserScramCredentialsRequest__Output } from '../../tributary/v1/DescribeUserScramCredentialsRequest.js';
import type { DescribeUserScramCredentialsResponse as _tributary_v1_DescribeUserScramCredentialsResponse, DescribeUserScramCredentialsResponse__Output as _tributary_v1_DescribeUserScramCredentialsResponse__Output } from '../../tributary/v1/DescribeUserScramCredentialsResponse.js';
import type { WhoAmIRequest as _tributary_v1_WhoAmIRequest, WhoAmIRequest__Output as _tributary_v1_WhoAmIRequest__Output } from '../../tributary/v1/WhoAmIRequest.js';
import type { WhoAmIResponse as _tributary_v1_WhoAmIResponse, WhoAmIResponse__Output as _tributary_v1_WhoAmIResponse__Output } from '../../tributary/v1/WhoAmIResponse.js';

/**
 * Authentication, access control lists, user credentials and quotas (docs/architecture.md, "Security").
 * Every broker answers Authenticate and WhoAmI itself; the Create/Delete/Alter calls change cluster
 * metadata (any broker accepts them and writes through the DCS; every broker applies the result).
 */
export interface SecurityServiceClient extends grpc.Client {
  AlterClientQuotas(argument: _tributary_v1_AlterClientQuotasRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_AlterClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  AlterClientQuotas(argument: _tributary_v1_AlterClientQuotasRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_AlterClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  AlterClientQuotas(argument: _tributary_v1_AlterClientQuotasRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_AlterClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  AlterClientQuotas(argument: _tributary_v1_AlterClientQuotasRequest, callback: grpc.requestCallback<_tributary_v1_AlterClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  alterClientQuotas(argument: _tributary_v1_AlterClientQuotasRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_AlterClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  alterClientQuotas(argument: _tributary_v1_AlterClientQuotasRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_AlterClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  alterClientQuotas(argument: _tributary_v1_AlterClientQuotasRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_AlterClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  alterClientQuotas(argument: _tributary_v1_AlterClientQuotasRequest, callback: grpc.requestCallback<_tributary_v1_AlterClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Sets (upserts) or deletes SCRAM credentials. A credential is a salted, iterated hash (salt, iterations,
   * stored key, server key), computed by the client from the password; the broker never sees the password.
   */
  AlterUserScramCredentials(argument: _tributary_v1_AlterUserScramCredentialsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_AlterUserScramCredentialsResponse__Output>): grpc.ClientUnaryCall;
  AlterUserScramCredentials(argument: _tributary_v1_AlterUserScramCredentialsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_AlterUserScramCredentialsResponse__Output>): grpc.ClientUnaryCall;
  AlterUserScramCredentials(argument: _tributary_v1_AlterUserScramCredentialsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_AlterUserScramCredentialsResponse__Output>): grpc.ClientUnaryCall;
  AlterUserScramCredentials(argument: _tributary_v1_AlterUserScramCredentialsRequest, callback: grpc.requestCallback<_tributary_v1_AlterUserScramCredentialsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Sets (upserts) or deletes SCRAM credentials. A credential is a salted, iterated hash (salt, iterations,
   * stored key, server key), computed by the client from the password; the broker never sees the password.
   */
  alterUserScramCredentials(argument: _tributary_v1_AlterUserScramCredentialsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_AlterUserScramCredentialsResponse__Output>): grpc.ClientUnaryCall;
  alterUserScramCredentials(argument: _tributary_v1_AlterUserScramCredentialsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_AlterUserScramCredentialsResponse__Output>): grpc.ClientUnaryCall;
  alterUserScramCredentials(argument: _tributary_v1_AlterUserScramCredentialsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_AlterUserScramCredentialsResponse__Output>): grpc.ClientUnaryCall;
  alterUserScramCredentials(argument: _tributary_v1_AlterUserScramCredentialsRequest, callback: grpc.requestCallback<_tributary_v1_AlterUserScramCredentialsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * One step of a SCRAM-SHA-256 or SCRAM-SHA-512 exchange (RFC 5802 messages). Step 1 carries the
   * client-first message and answers the server-first message with a handshake id; step 2 carries the
   * client-final message (with that id) and answers the server-final message and a session token. The
   * password never crosses the wire. Later calls on any channel to the same broker carry the token as
   * `authorization: Bearer <token>` metadata until it expires (AUTHENTICATION_EXPIRED), then the client
   * authenticates again. Refused over plaintext unless the broker allows it (allowPlaintextAuthentication).
   */
  Authenticate(argument: _tributary_v1_AuthenticateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_AuthenticateResponse__Output>): grpc.ClientUnaryCall;
  Authenticate(argument: _tributary_v1_AuthenticateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_AuthenticateResponse__Output>): grpc.ClientUnaryCall;
  Authenticate(argument: _tributary_v1_AuthenticateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_AuthenticateResponse__Output>): grpc.ClientUnaryCall;
  Authenticate(argument: _tributary_v1_AuthenticateRequest, callback: grpc.requestCallback<_tributary_v1_AuthenticateResponse__Output>): grpc.ClientUnaryCall;
  /**
   * One step of a SCRAM-SHA-256 or SCRAM-SHA-512 exchange (RFC 5802 messages). Step 1 carries the
   * client-first message and answers the server-first message with a handshake id; step 2 carries the
   * client-final message (with that id) and answers the server-final message and a session token. The
   * password never crosses the wire. Later calls on any channel to the same broker carry the token as
   * `authorization: Bearer <token>` metadata until it expires (AUTHENTICATION_EXPIRED), then the client
   * authenticates again. Refused over plaintext unless the broker allows it (allowPlaintextAuthentication).
   */
  authenticate(argument: _tributary_v1_AuthenticateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_AuthenticateResponse__Output>): grpc.ClientUnaryCall;
  authenticate(argument: _tributary_v1_AuthenticateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_AuthenticateResponse__Output>): grpc.ClientUnaryCall;
  authenticate(argument: _tributary_v1_AuthenticateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_AuthenticateResponse__Output>): grpc.ClientUnaryCall;
  authenticate(argument: _tributary_v1_AuthenticateRequest, callback: grpc.requestCallback<_tributary_v1_AuthenticateResponse__Output>): grpc.ClientUnaryCall;
  
  CreateAcls(argument: _tributary_v1_CreateAclsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_CreateAclsResponse__Output>): grpc.ClientUnaryCall;
  CreateAcls(argument: _tributary_v1_CreateAclsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_CreateAclsResponse__Output>): grpc.ClientUnaryCall;
  CreateAcls(argument: _tributary_v1_CreateAclsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_CreateAclsResponse__Output>): grpc.ClientUnaryCall;
  CreateAcls(argument: _tributary_v1_CreateAclsRequest, callback: grpc.requestCallback<_tributary_v1_CreateAclsResponse__Output>): grpc.ClientUnaryCall;
  createAcls(argument: _tributary_v1_CreateAclsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_CreateAclsResponse__Output>): grpc.ClientUnaryCall;
  createAcls(argument: _tributary_v1_CreateAclsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_CreateAclsResponse__Output>): grpc.ClientUnaryCall;
  createAcls(argument: _tributary_v1_CreateAclsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_CreateAclsResponse__Output>): grpc.ClientUnaryCall;
  createAcls(argument: _tributary_v1_CreateAclsRequest, callback: grpc.requestCallback<_tributary_v1_CreateAclsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Deletes the bindings matching each filter and answers what was deleted.
   */
  DeleteAcls(argument: _tributary_v1_DeleteAclsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DeleteAclsResponse__Output>): grpc.ClientUnaryCall;
  DeleteAcls(argument: _tributary_v1_DeleteAclsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_DeleteAclsResponse__Output>): grpc.ClientUnaryCall;
  DeleteAcls(argument: _tributary_v1_DeleteAclsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DeleteAclsResponse__Output>): grpc.ClientUnaryCall;
  DeleteAcls(argument: _tributary_v1_DeleteAclsRequest, callback: grpc.requestCallback<_tributary_v1_DeleteAclsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Deletes the bindings matching each filter and answers what was deleted.
   */
  deleteAcls(argument: _tributary_v1_DeleteAclsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DeleteAclsResponse__Output>): grpc.ClientUnaryCall;
  deleteAcls(argument: _tributary_v1_DeleteAclsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_DeleteAclsResponse__Output>): grpc.ClientUnaryCall;
  deleteAcls(argument: _tributary_v1_DeleteAclsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DeleteAclsResponse__Output>): grpc.ClientUnaryCall;
  deleteAcls(argument: _tributary_v1_DeleteAclsRequest, callback: grpc.requestCallback<_tributary_v1_DeleteAclsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Bindings matching a filter (unset fields match anything).
   */
  DescribeAcls(argument: _tributary_v1_DescribeAclsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DescribeAclsResponse__Output>): grpc.ClientUnaryCall;
  DescribeAcls(argument: _tributary_v1_DescribeAclsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_DescribeAclsResponse__Output>): grpc.ClientUnaryCall;
  DescribeAcls(argument: _tributary_v1_DescribeAclsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DescribeAclsResponse__Output>): grpc.ClientUnaryCall;
  DescribeAcls(argument: _tributary_v1_DescribeAclsRequest, callback: grpc.requestCallback<_tributary_v1_DescribeAclsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Bindings matching a filter (unset fields match anything).
   */
  describeAcls(argument: _tributary_v1_DescribeAclsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DescribeAclsResponse__Output>): grpc.ClientUnaryCall;
  describeAcls(argument: _tributary_v1_DescribeAclsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_DescribeAclsResponse__Output>): grpc.ClientUnaryCall;
  describeAcls(argument: _tributary_v1_DescribeAclsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DescribeAclsResponse__Output>): grpc.ClientUnaryCall;
  describeAcls(argument: _tributary_v1_DescribeAclsRequest, callback: grpc.requestCallback<_tributary_v1_DescribeAclsResponse__Output>): grpc.ClientUnaryCall;
  
  DescribeClientQuotas(argument: _tributary_v1_DescribeClientQuotasRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DescribeClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  DescribeClientQuotas(argument: _tributary_v1_DescribeClientQuotasRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_DescribeClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  DescribeClientQuotas(argument: _tributary_v1_DescribeClientQuotasRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DescribeClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  DescribeClientQuotas(argument: _tributary_v1_DescribeClientQuotasRequest, callback: grpc.requestCallback<_tributary_v1_DescribeClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  describeClientQuotas(argument: _tributary_v1_DescribeClientQuotasRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DescribeClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  describeClientQuotas(argument: _tributary_v1_DescribeClientQuotasRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_DescribeClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  describeClientQuotas(argument: _tributary_v1_DescribeClientQuotasRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DescribeClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  describeClientQuotas(argument: _tributary_v1_DescribeClientQuotasRequest, callback: grpc.requestCallback<_tributary_v1_DescribeClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Users with credentials and their mechanisms and iterations (never the keys).
   */
  DescribeUserScramCredentials(argument: _tributary_v1_DescribeUserScramCredentialsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DescribeUserScramCredentialsResponse__Output>): grpc.ClientUnaryCall;
  DescribeUserScramCredentials(argument: _tributary_v1_DescribeUserScramCredentialsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_DescribeUserScramCredentialsResponse__Output>): grpc.ClientUnaryCall;
  DescribeUserScramCredentials(argument: _tributary_v1_DescribeUserScramCredentialsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DescribeUserScramCredentialsResponse__Output>): grpc.ClientUnaryCall;
  DescribeUserScramCredentials(argument: _tributary_v1_DescribeUserScramCredentialsRequest, callback: grpc.requestCallback<_tributary_v1_DescribeUserScramCredentialsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Users with credentials and their mechanisms and iterations (never the keys).
   */
  describeUserScramCredentials(argument: _tributary_v1_DescribeUserScramCredentialsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DescribeUserScramCredentialsResponse__Output>): grpc.ClientUnaryCall;
  describeUserScramCredentials(argument: _tributary_v1_DescribeUserScramCredentialsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_DescribeUserScramCredentialsResponse__Output>): grpc.ClientUnaryCall;
  describeUserScramCredentials(argument: _tributary_v1_DescribeUserScramCredentialsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_DescribeUserScramCredentialsResponse__Output>): grpc.ClientUnaryCall;
  describeUserScramCredentials(argument: _tributary_v1_DescribeUserScramCredentialsRequest, callback: grpc.requestCallback<_tributary_v1_DescribeUserScramCredentialsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The principal this call was authenticated as, and how.
   */
  WhoAmI(argument: _tributary_v1_WhoAmIRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_WhoAmIResponse__Output>): grpc.ClientUnaryCall;
  WhoAmI(argument: _tributary_v1_WhoAmIRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_WhoAmIResponse__Output>): grpc.ClientUnaryCall;
  WhoAmI(argument: _tributary_v1_WhoAmIRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_WhoAmIResponse__Output>): grpc.ClientUnaryCall;
  WhoAmI(argument: _tributary_v1_WhoAmIRequest, callback: grpc.requestCallback<_tributary_v1_WhoAmIResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The principal this call was authenticated as, and how.
   */
  whoAmI(argument: _tributary_v1_WhoAmIRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_WhoAmIResponse__Output>): grpc.ClientUnaryCall;
  whoAmI(argument: _tributary_v1_WhoAmIRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_WhoAmIResponse__Output>): grpc.ClientUnaryCall;
  whoAmI(argument: _tributary_v1_WhoAmIRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_WhoAmIResponse__Output>): grpc.ClientUnaryCall;
  whoAmI(argument: _tributary_v1_WhoAmIRequest, callback: grpc.requestCallback<_tributary_v1_WhoAmIResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * Authentication, access control lists, user credentials and quotas (docs/architecture.md, "Security").
 * Every broker answers Authenticate and WhoAmI itself; the Create/Delete/Alter calls change cluster
 * metadata (any broker accepts them and writes through the DCS; every broker applies the result).
 */
export interface SecurityServiceHandlers extends grpc.UntypedServiceImplementation {
  AlterClientQuotas: grpc.handleUnaryCall<_tributary_v1_AlterClientQuotasRequest__Output, _tributary_v1_AlterClientQuotasResponse>;
  
  /**
   * Sets (upserts) or deletes SCRAM credentials. A credential is a salted, iterated hash (salt, iterations,
   * stored key, server key), computed by the client from the password; the broker never sees the password.
   */
  AlterUserScramCredentials: grpc.handleUnaryCall<_tributary_v1_AlterUserScramCredentialsRequest__Output, _tributary_v1_AlterUserScramCredentialsResponse>;
  
  /**
   * One step of a SCRAM-SHA-256 or SCRAM-SHA-512 exchange (RFC 5802 messages). Step 1 carries the
   * client-first message and answers the server-first message with a handshake id; step 2 carries the
   * client-final message (with that id) and answers the server-final message and a session token. The
   * password never crosses the wire. Later calls on any channel to the same broker carry the token as
   * `authorization: Bearer <token>` metadata until it expires (AUTHENTICATION_EXPIRED), then the client
   * authenticates again. Refused over plaintext unless the broker allows it (allowPlaintextAuthentication).
   */
  Authenticate: grpc.handleUnaryCall<_tributary_v1_AuthenticateRequest__Output, _tributary_v1_AuthenticateResponse>;
  
  CreateAcls: grpc.handleUnaryCall<_tributary_v1_CreateAclsRequest__Output, _tributary_v1_CreateAclsResponse>;
  
  /**
   * Deletes the bindings matching each filter and answers what was deleted.
   */
  DeleteAcls: grpc.handleUnaryCall<_tributary_v1_DeleteAclsRequest__Output, _tributary_v1_DeleteAclsResponse>;
  
  /**
   * Bindings matching a filter (unset fields match anything).
   */
  DescribeAcls: grpc.handleUnaryCall<_tributary_v1_DescribeAclsRequest__Output, _tributary_v1_DescribeAclsResponse>;
  
  DescribeClientQuotas: grpc.handleUnaryCall<_tributary_v1_DescribeClientQuotasRequest__Output, _tributary_v1_DescribeClientQuotasResponse>;
  
  /**
   * Users with credentials and their mechanisms and iterations (never the keys).
   */
  DescribeUserScramCredentials: grpc.handleUnaryCall<_tributary_v1_DescribeUserScramCredentialsRequest__Output, _tributary_v1_DescribeUserScramCredentialsResponse>;
  
  /**
   * The principal this call was authenticated as, and how.
   */
  WhoAmI: grpc.handleUnaryCall<_tributary_v1_WhoAmIRequest__Output, _tributary_v1_WhoAmIResponse>;
  
}

export interface SecurityServiceDefinition extends grpc.ServiceDefinition {
  AlterClientQuotas: MethodDefinition<_tributary_v1_AlterClientQuotasRequest, _tributary_v1_AlterClientQuotasResponse, _tributary_v1_AlterClientQuotasRequest__Output, _tributary_v1_AlterClientQuotasResponse__Output>
  AlterUserScramCredentials: MethodDefinition<_tributary_v1_AlterUserScramCredentialsRequest, _tributary_v1_AlterUserScramCredentialsResponse, _tributary_v1_AlterUserScramCredentialsRequest__Output, _tributary_v1_AlterUserScramCredentialsResponse__Output>
  Authenticate: MethodDefinition<_tributary_v1_AuthenticateRequest, _tributary_v1_AuthenticateResponse, _tributary_v1_AuthenticateRequest__Output, _tributary_v1_AuthenticateResponse__Output>
  CreateAcls: MethodDefinition<_tributary_v1_CreateAclsRequest, _tributary_v1_CreateAclsResponse, _tributary_v1_CreateAclsRequest__Output, _tributary_v1_CreateAclsResponse__Output>
  DeleteAcls: MethodDefinition<_tributary_v1_DeleteAclsRequest, _tributary_v1_DeleteAclsResponse, _tributary_v1_DeleteAclsRequest__Output, _tributary_v1_DeleteAclsResponse__Output>
  DescribeAcls: MethodDefinition<_tributary_v1_DescribeAclsRequest, _tributary_v1_DescribeAclsResponse, _tributary_v1_DescribeAclsRequest__Output, _tributary_v1_DescribeAclsResponse__Output>
  DescribeClientQuotas: MethodDefinition<_tributary_v1_DescribeClientQuotasRequest, _tributary_v1_DescribeClientQuotasResponse, _tributary_v1_DescribeClientQuotasRequest__Output, _tributary_v1_DescribeClientQuotasResponse__Output>
  DescribeUserScramCredentials: MethodDefinition<_tributary_v1_DescribeUserScramCredentialsRequest, _tributary_v1_DescribeUserScramCredentialsResponse, _tributary_v1_DescribeUserScramCredentialsRequest__Output, _tributary_v1_DescribeUserScramCredentialsResponse__Output>
  WhoAmI: MethodDefinition<_tributary_v1_WhoAmIRequest, _tributary_v1_WhoAmIResponse, _tributary_v1_WhoAmIRequest__Output, _tributary_v1_WhoAmIResponse__Output>
}
