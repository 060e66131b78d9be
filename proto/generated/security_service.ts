import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { AclBinding as _tributary_v1_AclBinding, AclBinding__Output as _tributary_v1_AclBinding__Output } from './tributary/v1/AclBinding.js';
import type { AclBindingFilter as _tributary_v1_AclBindingFilter, AclBindingFilter__Output as _tributary_v1_AclBindingFilter__Output } from './tributary/v1/AclBindingFilter.js';
import type { AclCreationResult as _tributary_v1_AclCreationResult, AclCreationResult__Output as _tributary_v1_AclCreationResult__Output } from './tributary/v1/AclCreationResult.js';
import type { AlterClientQuotasRequest as _tributary_v1_AlterClientQuotasRequest, AlterClientQuotasRequest__Output as _tributary_v1_AlterClientQuotasRequest__Output } from './tributary/v1/AlterClientQuotasRequest.js';
import type { AlterClientQuotasResponse as _tributary_v1_AlterClientQuotasResponse, AlterClientQuotasResponse__Output as _tributary_v1_AlterClientQuotasResponse__Output } from './tributary/v1/AlterClientQuotasResponse.js';
import type { AlterClientQuotasResult as _tributary_v1_AlterClientQuotasResult, AlterClientQuotasResult__Output as _tributary_v1_AlterClientQuotasResult__Output } from './tributary/v1/AlterClientQuotasResult.js';
import type { AlterUserScramCredentialsRequest as _tributary_v1_AlterUserScramCredentialsRequest, AlterUserScramCredentialsRequest__Output as _tributary_v1_AlterUserScramCredentialsRequest__Output } from './tributary/v1/AlterUserScramCredentialsRequest.js';
import type { AlterUserScramCredentialsResponse as _tributary_v1_AlterUserScramCredentialsResponse, AlterUserScramCredentialsResponse__Output as _tributary_v1_AlterUserScramCredentialsResponse__Output } from './tributary/v1/AlterUserScramCredentialsResponse.js';
import type { AlterUserScramCredentialsResult as _tributary_v1_AlterUserScramCredentialsResult, AlterUserScramCredentialsResult__Output as _tributary_v1_AlterUserScramCredentialsResult__Output } from './tributary/v1/AlterUserScramCredentialsResult.js';
import type { AuthenticateRequest as _tributary_v1_AuthenticateRequest, AuthenticateRequest__Output as _tributary_v1_AuthenticateRequest__Output } from './tributary/v1/AuthenticateRequest.js';
import type { AuthenticateResponse as _tributary_v1_AuthenticateResponse, AuthenticateResponse__Output as _tributary_v1_AuthenticateResponse__Output } from './tributary/v1/AuthenticateResponse.js';
import type { BrokerInfo as _tributary_v1_BrokerInfo, BrokerInfo__Output as _tributary_v1_BrokerInfo__Output } from './tributary/v1/BrokerInfo.js';
import type { ClientQuotaEntry as _tributary_v1_ClientQuotaEntry, ClientQuotaEntry__Output as _tributary_v1_ClientQuotaEntry__Output } from './tributary/v1/ClientQuotaEntry.js';
import type { ConfigEntry as _tributary_v1_ConfigEntry, ConfigEntry__Output as _tributary_v1_ConfigEntry__Output } from './tributary/v1/ConfigEntry.js';
import type { ConsumedRecord as _tributary_v1_ConsumedRecord, ConsumedRecord__Output as _tributary_v1_ConsumedRecord__Output } from './tributary/v1/ConsumedRecord.js';
import type { CreateAclsRequest as _tributary_v1_CreateAclsRequest, CreateAclsRequest__Output as _tributary_v1_CreateAclsRequest__Output } from './tributary/v1/CreateAclsRequest.js';
import type { CreateAclsResponse as _tributary_v1_CreateAclsResponse, CreateAclsResponse__Output as _tributary_v1_CreateAclsResponse__Output } from './tributary/v1/CreateAclsResponse.js';
import type { DeleteAclsFilterResult as _tributary_v1_DeleteAclsFilterResult, DeleteAclsFilterResult__Output as _tributary_v1_DeleteAclsFilterResult__Output } from './tributary/v1/DeleteAclsFilterResult.js';
import type { DeleteAclsRequest as _tributary_v1_DeleteAclsRequest, DeleteAclsRequest__Output as _tributary_v1_DeleteAclsRequest__Output } from './tributary/v1/DeleteAclsRequest.js';
import type { DeleteAclsResponse as _tributary_v1_DeleteAclsResponse, DeleteAclsResponse__Output as _tributary_v1_DeleteAclsResponse__Output } from './tributary/v1/DeleteAclsResponse.js';
import type { DescribeAclsRequest as _tributary_v1_DescribeAclsRequest, DescribeAclsRequest__Output as _tributary_v1_DescribeAclsRequest__Output } from './tributary/v1/DescribeAclsRequest.js';
import type { DescribeAclsResponse as _tributary_v1_DescribeAclsResponse, DescribeAclsResponse__Output as _tributary_v1_DescribeAclsResponse__Output } from './tributary/v1/DescribeAclsResponse.js';
import type { DescribeClientQuotasRequest as _tributary_v1_DescribeClientQuotasRequest, DescribeClientQuotasRequest__Output as _tributary_v1_DescribeClientQuotasRequest__Output } from './tributary/v1/DescribeClientQuotasRequest.js';
import type { DescribeClientQuotasResponse as _tributary_v1_DescribeClientQuotasResponse, DescribeClientQuotasResponse__Output as _tributary_v1_DescribeClientQuotasResponse__Output } from './tributary/v1/DescribeClientQuotasResponse.js';
import type { DescribeUserScramCredentialsRequest as _tributary_v1_DescribeUserScramCredentialsRequest, DescribeUserScramCredentialsRequest__Output as _tributary_v1_DescribeUserScramCredentialsRequest__Output } from './tributary/v1/DescribeUserScramCredentialsRequest.js';
import type { DescribeUserScramCredentialsResponse as _tributary_v1_DescribeUserScramCredentialsResponse, DescribeUserScramCredentialsResponse__Output as _tributary_v1_DescribeUserScramCredentialsResponse__Output } from './tributary/v1/DescribeUserScramCredentialsResponse.js';
import type { Error as _tributary_v1_Error, Error__Output as _tributary_v1_Error__Output } from './tributary/v1/Error.js';
import type { Header as _tributary_v1_Header, Header__Output as _tributary_v1_Header__Output } from './tributary/v1/Header.js';
import type { QuotaAlteration as _tributary_v1_QuotaAlteration, QuotaAlteration__Output as _tributary_v1_QuotaAlteration__Output } from './tributary/v1/QuotaAlteration.js';
import type { QuotaEntity as _tributary_v1_QuotaEntity, QuotaEntity__Output as _tributary_v1_QuotaEntity__Output } from './tributary/v1/QuotaEntity.js';
import type { QuotaValue as _tributary_v1_QuotaValue, QuotaValue__Output as _tributary_v1_QuotaValue__Output } from './tributary/v1/QuotaValue.js';
import type { Record as _tributary_v1_Record, Record__Output as _tributary_v1_Record__Output } from './tributary/v1/Record.js';
import type { ScramCredentialDeletion as _tributary_v1_ScramCredentialDeletion, ScramCredentialDeletion__Output as _tributary_v1_ScramCredentialDeletion__Output } from './tributary/v1/ScramCredentialDeletion.js';
import type { ScramCredentialInfo as _tributary_v1_ScramCredentialInfo, ScramCredentialInfo__Output as _tributary_v1_ScramCredentialInfo__Output } from './tributary/v1/ScramCredentialInfo.js';
import type { ScramCredentialUpsertion as _tributary_v1_ScramCredentialUpsertion, ScramCredentialUpsertion__Output as _tributary_v1_ScramCredentialUpsertion__Output } from './tributary/v1/ScramCredentialUpsertion.js';
import type { SecurityServiceClient as _tributary_v1_SecurityServiceClient, SecurityServiceDefinition as _tributary_v1_SecurityServiceDefinition } from './tributary/v1/SecurityService.js';
import type { UserScramCredentials as _tributary_v1_UserScramCredentials, UserScramCredentials__Output as _tributary_v1_UserScramCredentials__Output } from './tributary/v1/UserScramCredentials.js';
import type { WhoAmIRequest as _tributary_v1_WhoAmIRequest, WhoAmIRequest__Output as _tributary_v1_WhoAmIRequest__Output } from './tributary/v1/WhoAmIRequest.js';
import type { WhoAmIResponse as _tributary_v1_WhoAmIResponse, WhoAmIResponse__Output as _tributary_v1_WhoAmIResponse__Output } from './tributary/v1/WhoAmIResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  tributary: {
    v1: {
      AclBinding: MessageTypeDefinition<_tributary_v1_AclBinding, _tributary_v1_AclBinding__Output>
      AclBindingFilter: MessageTypeDefinition<_tributary_v1_AclBindingFilter, _tributary_v1_AclBindingFilter__Output>
      AclCreationResult: MessageTypeDefinition<_tributary_v1_AclCreationResult, _tributary_v1_AclCreationResult__Output>
      AclOperation: EnumTypeDefinition
      AclPatternType: EnumTypeDefinition
      AclPermissionType: EnumTypeDefinition
      AclResourceType: EnumTypeDefinition
      AlterClientQuotasRequest: MessageTypeDefinition<_tributary_v1_AlterClientQuotasRequest, _tributary_v1_AlterClientQuotasRequest__Output>
      AlterClientQuotasResponse: MessageTypeDefinition<_tributary_v1_AlterClientQuotasResponse, _tributary_v1_AlterClientQuotasResponse__Output>
      AlterClientQuotasResult: MessageTypeDefinition<_tributary_v1_AlterClientQuotasResult, _tributary_v1_AlterClientQuotasResult__Output>
      AlterUserScramCredentialsRequest: MessageTypeDefinition<_tributary_v1_AlterUserScramCredentialsRequest, _tributary_v1_AlterUserScramCredentialsRequest__Output>
      AlterUserScramCredentialsResponse: MessageTypeDefinition<_tributary_v1_AlterUserScramCredentialsResponse, _tributary_v1_AlterUserScramCredentialsResponse__Output>
      AlterUserScramCredentialsResult: MessageTypeDefinition<_tributary_v1_AlterUserScramCredentialsResult, _tributary_v1_AlterUserScramCredentialsResult__Output>
      AuthenticateRequest: MessageTypeDefinition<_tributary_v1_AuthenticateRequest, _tributary_v1_AuthenticateRequest__Output>
      AuthenticateResponse: MessageTypeDefinition<_tributary_v1_AuthenticateResponse, _tributary_v1_AuthenticateResponse__Output>
      BrokerInfo: MessageTypeDefinition<_tributary_v1_BrokerInfo, _tributary_v1_BrokerInfo__Output>
      ClientQuotaEntry: MessageTypeDefinition<_tributary_v1_ClientQuotaEntry, _tributary_v1_ClientQuotaEntry__Output>
      ConfigEntry: MessageTypeDefinition<_tributary_v1_ConfigEntry, _tributary_v1_ConfigEntry__Output>
      ConsumedRecord: MessageTypeDefinition<_tributary_v1_ConsumedRecord, _tributary_v1_ConsumedRecord__Output>
      CreateAclsRequest: MessageTypeDefinition<_tributary_v1_CreateAclsRequest, _tributary_v1_CreateAclsRequest__Output>
      CreateAclsResponse: MessageTypeDefinition<_tributary_v1_CreateAclsResponse, _tributary_v1_CreateAclsResponse__Output>
      DeleteAclsFilterResult: MessageTypeDefinition<_tributary_v1_DeleteAclsFilterResult, _tributary_v1_DeleteAclsFilterResult__Output>
      DeleteAclsRequest: MessageTypeDefinition<_tributary_v1_DeleteAclsRequest, _tributary_v1_DeleteAclsRequest__Output>
      DeleteAclsResponse: MessageTypeDefinition<_tributary_v1_DeleteAclsResponse, _tributary_v1_DeleteAclsResponse__Output>
      DescribeAclsRequest: MessageTypeDefinition<_tributary_v1_DescribeAclsRequest, _tributary_v1_DescribeAclsRequest__Output>
      DescribeAclsResponse: MessageTypeDefinition<_tributary_v1_DescribeAclsResponse, _tributary_v1_DescribeAclsResponse__Output>
      DescribeClientQuotasRequest: MessageTypeDefinition<_tributary_v1_DescribeClientQuotasRequest, _tributary_v1_DescribeClientQuotasRequest__Output>
      DescribeClientQuotasResponse: MessageTypeDefinition<_tributary_v1_DescribeClientQuotasResponse, _tributary_v1_DescribeClientQuotasResponse__Output>
      DescribeUserScramCredentialsRequest: MessageTypeDefinition<_tributary_v1_DescribeUserScramCredentialsRequest, _tributary_v1_DescribeUserScramCredentialsRequest__Output>
      DescribeUserScramCredentialsResponse: MessageTypeDefinition<_tributary_v1_DescribeUserScramCredentialsResponse, _tributary_v1_DescribeUserScramCredentialsResponse__Output>
      Error: MessageTypeDefinition<_tributary_v1_Error, _tributary_v1_Error__Output>
      Header: MessageTypeDefinition<_tributary_v1_Header, _tributary_v1_Header__Output>
      QuotaAlteration: MessageTypeDefinition<_tributary_v1_QuotaAlteration, _tributary_v1_QuotaAlteration__Output>
      QuotaEntity: MessageTypeDefinition<_tributary_v1_QuotaEntity, _tributary_v1_QuotaEntity__Output>
      QuotaValue: MessageTypeDefinition<_tributary_v1_QuotaValue, _tributary_v1_QuotaValue__Output>
      Record: MessageTypeDefinition<_tributary_v1_Record, _tributary_v1_Record__Output>
      RecordFormat: EnumTypeDefinition
      ScramCredentialDeletion: MessageTypeDefinition<_tributary_v1_ScramCredentialDeletion, _tributary_v1_ScramCredentialDeletion__Output>
      ScramCredentialInfo: MessageTypeDefinition<_tributary_v1_ScramCredentialInfo, _tributary_v1_ScramCredentialInfo__Output>
      ScramCredentialUpsertion: MessageTypeDefinition<_tributary_v1_ScramCredentialUpsertion, _tributary_v1_ScramCredentialUpsertion__Output>
      ScramMechanism: EnumTypeDefinition
      /**
       * Authentication, access control lists, user credentials and quotas (docs/architecture.md, "Security").
       * Every broker answers Authenticate and WhoAmI itself; the Create/Delete/Alter calls change cluster
       * metadata (any broker accepts them and writes through the DCS; every broker applies the result).
       */
      SecurityService: SubtypeConstructor<typeof grpc.Client, _tributary_v1_SecurityServiceClient> & { service: _tributary_v1_SecurityServiceDefinition }
      TimestampType: EnumTypeDefinition
      UserScramCredentials: MessageTypeDefinition<_tributary_v1_UserScramCredentials, _tributary_v1_UserScramCredentials__Output>
      WhoAmIRequest: MessageTypeDefinition<_tributary_v1_WhoAmIRequest, _tributary_v1_WhoAmIRequest__Output>
      WhoAmIResponse: MessageTypeDefinition<_tributary_v1_WhoAmIResponse, _tributary_v1_WhoAmIResponse__Output>
    }
  }
}

