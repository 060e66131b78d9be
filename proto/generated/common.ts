import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { BrokerInfo as _tributary_v1_BrokerInfo, BrokerInfo__Output as _tributary_v1_BrokerInfo__Output } from './tributary/v1/BrokerInfo.js';
import type { ConfigEntry as _tributary_v1_ConfigEntry, ConfigEntry__Output as _tributary_v1_ConfigEntry__Output } from './tributary/v1/ConfigEntry.js';
import type { ConsumedRecord as _tributary_v1_ConsumedRecord, ConsumedRecord__Output as _tributary_v1_ConsumedRecord__Output } from './tributary/v1/ConsumedRecord.js';
import type { Error as _tributary_v1_Error, Error__Output as _tributary_v1_Error__Output } from './tributary/v1/Error.js';
import type { Header as _tributary_v1_Header, Header__Output as _tributary_v1_Header__Output } from './tributary/v1/Header.js';
import type { Record as _tributary_v1_Record, Record__Output as _tributary_v1_Record__Output } from './tributary/v1/Record.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  tributary: {
    v1: {
      BrokerInfo: MessageTypeDefinition<_tributary_v1_BrokerInfo, _tributary_v1_BrokerInfo__Output>
      ConfigEntry: MessageTypeDefinition<_tributary_v1_ConfigEntry, _tributary_v1_ConfigEntry__Output>
      ConsumedRecord: MessageTypeDefinition<_tributary_v1_ConsumedRecord, _tributary_v1_ConsumedRecord__Output>
      Error: MessageTypeDefinition<_tributary_v1_Error, _tributary_v1_Error__Output>
      Header: MessageTypeDefinition<_tributary_v1_Header, _tributary_v1_Header__Output>
      Record: MessageTypeDefinition<_tributary_v1_Record, _tributary_v1_Record__Output>
      RecordFormat: EnumTypeDefinition
      TimestampType: EnumTypeDefinition
    }
  }
}

