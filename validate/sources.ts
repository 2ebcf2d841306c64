import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { Definition, MachineType } from './finding.ts';

type Json = Record<string, unknown>;

/** A CloudFormation string built with Fn::Join or Fn::Sub, tokens (Ref, GetAtt…) kept as `${Token}` placeholders. */
function templateString(value: unknown): string {
  if (typeof value === 'string') return value;
  const object = (value ?? {}) as Json;
  if (Array.isArray(object['Fn::Join'])) {
    const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
    return parts.map((part) => (typeof part === 'string' ? part : '${Token}')).join(separator);
  }
  if (object['Fn::Sub'] !== undefined) return templateString(Array.isArray(object['Fn::Sub']) ? object['Fn::Sub'][0] : object['Fn::Sub']);
  return '${Token}';
}

/** The state machines of a CloudFormation / CDK template, each with its type (STANDARD unless it says EXPRESS, as AWS defaults). */
function machinesOf(file: string, template: Json, fileText: string): Definition[] {
  return Object.entries((template.Resources ?? {}) as Record<string, Json>)
    .filter(([, resource]) => resource.Type === 'AWS::StepFunctions::StateMachine')
    .map(([name, resource]) => {
      const properties = (resource.Properties ?? {}) as Json;
      const text = properties.Definition !== undefined ? JSON.stringify(properties.Definition) : templateString(properties.DefinitionString);
      const type: MachineType = properties.StateMachineType === 'EXPRESS' ? 'EXPRESS' : 'STANDARD';
      return { file, name, text, template: fileText, definition: JSON.parse(text) as Json, type };
    });
}

/** One of sluice's own workflows, as `sluice asl` writes them (their Comment names sluice): Express machines. */
const sluiceOwn = (definition: Json) => typeof definition.Comment === 'string' && /^sluice [\w-]+: /.test(definition.Comment);

/**
 * What a file holds: one ASL definition (JSON or YAML), or the state machines of a template. An ASL file is
 * of `type` when given; else EXPRESS when it is one of sluice's own, STANDARD (AWS's default) otherwise.
 */
export async function definitionsIn(file: string, type: MachineType | undefined): Promise<Definition[]> {
  const text = await readFile(file, 'utf8');
  const value = (/\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text)) as unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a state machine definition or a template (expected an object)');
  const json = value as Json;
  if (json.Resources !== undefined) return machinesOf(file, json, text);
  if (type) return [{ file, text, definition: json, type }];
  return [sluiceOwn(json) ? { file, text, definition: json, type: 'EXPRESS' } : { file, text, definition: json, type: 'STANDARD', typeAssumed: true }];
}
