/** `tributary acl list|create|delete`: access control lists (docs/cli.md, "Security"). */
import { type Command, Option } from 'commander';
import {
  ACL_OPERATIONS,
  type AclBinding,
  type AclFilter,
  type AclOperation,
  type AclResourceType,
  CLUSTER_RESOURCE_NAME,
  type NewAclBinding,
} from '../../client/index.js';
import type { CliIo } from '../context.js';
import { withClient } from '../context.js';
import { UsageError, writeLine } from '../output.js';
import { jsonOption, printJsonOrTable, subcommand } from './subcommand.js';

interface ResourceOptions {
  topic?: string;
  group?: string;
  cluster?: boolean;
  prefixed?: boolean;
  principal?: string;
  host?: string;
  operation?: string[];
  deny?: boolean;
  allow?: boolean;
  json?: boolean;
}

function resourceOptions(command: Command): Command {
  return command
    .option(
      '--topic <name>',
      'a topic (with --prefixed: every topic whose name starts with it; "*": every topic)',
    )
    .option('--group <id>', 'a consumer group (as --topic)')
    .option('--cluster', 'the cluster')
    .option('--prefixed', 'the name is a prefix')
    .option('--principal <p>', 'User:<name>, ServiceAccount:<ns>/<name>, or User:* for everyone')
    .option('--host <ip>', 'the client address the binding applies to ("*": any)')
    .addOption(
      new Option('--operation <op...>', `operations: ${ACL_OPERATIONS.join(', ')}`).choices(
        ACL_OPERATIONS as string[],
      ),
    );
}

/** The resource an option set names, if any. */
function resourceOf(o: ResourceOptions): { resourceType: AclResourceType; resourceName: string } | undefined {
  const given = [o.topic !== undefined, o.group !== undefined, o.cluster === true].filter(Boolean).length;
  if (given > 1) throw new UsageError('name one resource: --topic, --group or --cluster');
  if (o.topic !== undefined) return { resourceType: 'topic', resourceName: o.topic };
  if (o.group !== undefined) return { resourceType: 'group', resourceName: o.group };
  if (o.cluster === true) return { resourceType: 'cluster', resourceName: CLUSTER_RESOURCE_NAME };
  return undefined;
}

function filterOf(o: ResourceOptions): AclFilter[] {
  const resource = resourceOf(o);
  const base: AclFilter = {
    ...(resource === undefined ? {} : resource),
    ...(resource === undefined ? {} : { patternType: o.prefixed === true ? 'prefixed' : 'literal' }),
    ...(o.principal === undefined ? {} : { principal: o.principal }),
    ...(o.host === undefined ? {} : { host: o.host }),
    ...(o.deny === true
      ? { permission: 'deny' as const }
      : o.allow === true
        ? { permission: 'allow' as const }
        : {}),
  };
  const ops = (o.operation ?? []) as AclOperation[];
  return ops.length === 0 ? [base] : ops.map((operation) => ({ ...base, operation }));
}

function rows(bindings: AclBinding[]): string[][] {
  return [
    ['PRINCIPAL', 'PERMISSION', 'OPERATION', 'RESOURCE', 'NAME', 'PATTERN', 'HOST'],
    ...bindings.map((b) => [
      b.principal,
      b.permission,
      b.operation,
      b.resourceType,
      b.resourceName,
      b.patternType,
      b.host,
    ]),
  ];
}

export function registerAclCommand(program: Command, io: CliIo): void {
  const acl = program
    .command('acl')
    .description('access control lists: who may do what on which topic, group, cluster');

  jsonOption(resourceOptions(subcommand(acl, 'list', 'list bindings (all, or those matching the options)')))
    .option(
      '--match',
      'with --topic/--group: every binding that applies to that name (literal, "*", prefixes)',
    )
    .action(async (o: ResourceOptions & { match?: boolean }, command: Command) => {
      const [filter] = filterOf(o);
      const f: AclFilter = o.match === true ? { ...filter, patternType: 'match' } : filter!;
      const bindings = await withClient(command, (t) => t.securityAdmin().describeAcls(f));
      await printJsonOrTable(io, o.json === true, bindings, () => rows(bindings));
    });

  resourceOptions(
    subcommand(acl, 'create', 'allow (or with --deny, deny) operations on a resource to a principal'),
  )
    .option('--deny', 'a deny binding (deny wins over allow)')
    .action(async (o: ResourceOptions, command: Command) => {
      const resource = resourceOf(o);
      if (resource === undefined) throw new UsageError('name the resource: --topic, --group or --cluster');
      if (o.principal === undefined) throw new UsageError('--principal is required');
      if (o.operation === undefined || o.operation.length === 0)
        throw new UsageError('--operation is required');
      const bindings: NewAclBinding[] = (o.operation as AclOperation[]).map((operation) => ({
        ...resource,
        patternType: o.prefixed === true ? 'prefixed' : 'literal',
        principal: o.principal!,
        host: o.host ?? '*',
        operation,
        permission: o.deny === true ? 'deny' : 'allow',
      }));
      const results = await withClient(command, (t) => t.securityAdmin().createAcls(bindings));
      const failed = results.filter((r) => r.error !== null);
      for (const r of failed)
        await writeLine(io.stderr, `error: ${r.binding.operation}: ${r.error!.message} (${r.error!.reason})`);
      if (failed.length > 0) throw new UsageError(`${failed.length} of ${results.length} bindings refused`);
      await writeLine(io.stdout, `created ${results.length} binding${results.length === 1 ? '' : 's'}`);
    });

  jsonOption(
    resourceOptions(subcommand(acl, 'delete', 'delete the bindings matching the options (at least one)')),
  )
    .option('--deny', 'only deny bindings')
    .option('--allow', 'only allow bindings')
    .action(async (o: ResourceOptions, command: Command) => {
      const filters = filterOf(o);
      if (filters.every((f) => Object.keys(f).length === 0))
        throw new UsageError(
          'say which bindings to delete (--principal, --topic, --group, --cluster, --operation, ...)',
        );
      const results = await withClient(command, (t) => t.securityAdmin().deleteAcls(filters));
      const deleted = results.flatMap((r) => r.deleted);
      for (const r of results) if (r.error !== null) throw r.error;
      await printJsonOrTable(io, o.json === true, deleted, () => rows(deleted));
    });
}
