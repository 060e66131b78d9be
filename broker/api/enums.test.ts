import { describe, expect, it } from 'vitest';
import { loadTributaryProto } from '../../proto/load.js';
import { thrownReason } from '../../test/helpers/thrown-reason.js';
import { ELECTION_TYPES, enumValue, wantsRecords } from './enums.js';

interface Field {
  name: string;
  type: string;
  typeName: string;
}
type Definition = Record<string, { format?: string; type?: { field?: Field[] } } & Record<string, unknown>>;

/** Every enum field reachable from a request message of a Tributary service, as `Message.field`. */
function requestEnumFields(): string[] {
  const definition = loadTributaryProto().definition as unknown as Definition;
  const out = new Set<string>();
  const seen = new Set<string>();
  const visit = (message: string) => {
    if (seen.has(message)) return;
    seen.add(message);
    for (const f of definition[`tributary.v1.${message}`]?.type?.field ?? []) {
      if (f.type === 'TYPE_ENUM') out.add(`${message}.${f.name}`);
      if (f.type === 'TYPE_MESSAGE') visit(f.typeName);
    }
  };
  for (const [name, service] of Object.entries(definition)) {
    if (!name.endsWith('Service')) continue;
    for (const method of Object.values(service) as Array<{ requestType?: { type?: { name?: string } } }>) {
      const request = method.requestType?.type?.name;
      if (request !== undefined) visit(request);
    }
  }
  return [...out].sort();
}

describe('enum fields of requests', () => {
  it('are exactly the ones whose unknown values the handlers refuse (test/integration/request-answers.test.ts)', () => {
    // Adding an enum field to a request? Refuse its unknown values in the handler and add it to the
    // integration test's list (SecurityService's: test/integration/security.test.ts), then here.
    expect(requestEnumFields()).toEqual([
      'AclBinding.operation',
      'AclBinding.pattern_type',
      'AclBinding.permission_type',
      'AclBinding.resource_type',
      'AclBindingFilter.operation',
      'AclBindingFilter.pattern_type',
      'AclBindingFilter.permission_type',
      'AclBindingFilter.resource_type',
      'AlterBalancingConfigRequest.mode',
      'AuthenticateRequest.mechanism',
      'BrokerStateChange.state',
      'ConfigAlteration.op',
      'ElectLeadersRequest.type',
      'FetchRequest.format',
      'ListOffsetsPartition.spec',
      'ProduceRequest.acks',
      'ScramCredentialDeletion.mechanism',
      'ScramCredentialUpsertion.mechanism',
      'SubscribeRequest.format',
      'SubscribeRequest.position',
    ]);
  });

  it('enumValue takes a defined name and refuses a number or another name', () => {
    expect(enumValue('ELECTION_TYPE_UNCLEAN', ELECTION_TYPES, 'type')).toBe('ELECTION_TYPE_UNCLEAN');
    expect(thrownReason(() => enumValue(7, ELECTION_TYPES, 'type'))).toBe('INVALID_REQUEST');
    expect(thrownReason(() => enumValue('ELECTION_TYPE_OTHER', ELECTION_TYPES, 'type'))).toBe(
      'INVALID_REQUEST',
    );
    expect(wantsRecords('RECORD_FORMAT_RECORDS')).toBe(true);
    expect(wantsRecords('RECORD_FORMAT_BATCHES')).toBe(false);
    expect(thrownReason(() => wantsRecords(2))).toBe('INVALID_REQUEST');
  });
});
