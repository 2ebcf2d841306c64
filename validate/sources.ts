import { readFile } from 'node:fs/promises';
import { parse as parseYaml, YAMLMap, YAMLSeq, type Tags } from 'yaml';
import type { Definition, MachineType } from './finding.ts';

type Json = Record<string, unknown>;

/** A state machine of a template whose definition is not in it (in S3), said rather than passed over. */
export interface Unchecked {
  file: string;
  name: string;
  message: string;
}

/** The state machine resource types of CloudFormation and of SAM. */
const MACHINE_TYPES = ['AWS::StepFunctions::StateMachine', 'AWS::Serverless::StateMachine'];

/**
 * CloudFormation's short forms in YAML (`!Sub`, `!GetAtt Fn.Arn`, `!Join [...]`), read as the long forms
 * (`Fn::Sub`…) the template code reads: without them, `DefinitionString: !Sub [ "…", {…} ]` did not read as a
 * definition, and a valid template failed. (The yaml package has no CloudFormation schema; these are its
 * documented custom tags, one a form.)
 */
const CLOUDFORMATION_TAGS: Tags = ['Sub', 'Join', 'GetAtt', 'Ref', 'If', 'Select', 'Split', 'FindInMap', 'ImportValue', 'Base64', 'Cidr', 'GetAZs', 'Equals', 'And', 'Or', 'Not', 'Condition', 'Transform', 'ToJsonString', 'Length'].flatMap((name) => {
  const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
  return [
    { tag: `!${name}`, resolve: (text: string) => ({ [key]: name === 'GetAtt' ? text.split('.') : text }) },
    ...(['seq', 'map'] as const).map((collection) => ({ tag: `!${name}`, collection, nodeClass: collection === 'seq' ? YAMLSeq : YAMLMap, resolve: (node: YAMLSeq | YAMLMap) => ({ [key]: node.toJSON() }) })),
  ];
});

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

/**
 * The state machines of a CloudFormation / CDK / SAM template, each with its type (STANDARD unless it says
 * EXPRESS, as AWS defaults); one whose definition is in S3 is said unchecked, and so is a template without any.
 */
function machinesOf(file: string, template: Json, fileText: string): { definitions: Definition[]; unchecked: Unchecked[] } {
  const definitions: Definition[] = [];
  const unchecked: Unchecked[] = [];
  const machines = Object.entries((template.Resources ?? {}) as Record<string, Json>).filter(([, resource]) => MACHINE_TYPES.includes(String(resource.Type)));
  for (const [name, resource] of machines) {
    const properties = (resource.Properties ?? {}) as Json;
    const elsewhere = ['DefinitionS3Location', 'DefinitionUri'].find((field) => properties[field] !== undefined);
    if (properties.Definition === undefined && properties.DefinitionString === undefined) {
      unchecked.push({ file, name, message: elsewhere ? `its definition is outside the template (${elsewhere}): not checked; validate the ASL file itself` : 'it has no Definition, DefinitionString or DefinitionS3Location' });
      continue;
    }
    const written = properties.Definition !== undefined ? JSON.stringify(properties.Definition) : templateString(properties.DefinitionString);
    // a token where a number goes (`"Seconds": ${Delay}`) leaves no JSON: checked with 0 in its place, since the template fills it in
    const text = parsesAsJson(written) ? written : written.replace(/([:,[]\s*)\$\{[^}]*\}/g, (_, before: string) => `${before}0`);
    // CloudFormation's StateMachineType, SAM's Type
    const type: MachineType = (properties.StateMachineType ?? properties.Type) === 'EXPRESS' ? 'EXPRESS' : 'STANDARD';
    definitions.push({ file, name, text, template: fileText, definition: JSON.parse(text) as Json, type });
  }
  if (machines.length === 0) unchecked.push({ file, name: '(template)', message: `no ${MACHINE_TYPES.join(' or ')} in this template: nothing was checked` });
  return { definitions, unchecked };
}

const parsesAsJson = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/** One of sluice's own workflows, as `sluice asl` writes them (their Comment names sluice): Express machines. */
const sluiceOwn = (definition: Json) => typeof definition.Comment === 'string' && /^sluice [\w-]+: /.test(definition.Comment);

/**
 * What a file holds: one ASL definition (JSON or YAML), or the state machines of a template (and those of
 * its machines it cannot check). An ASL file is of `type` when given; else EXPRESS when it is one of sluice's
 * own, STANDARD (AWS's default) otherwise.
 */
export async function definitionsIn(file: string, type: MachineType | undefined): Promise<{ definitions: Definition[]; unchecked: Unchecked[] }> {
  const text = await readFile(file, 'utf8');
  const value = (/\.ya?ml$/i.test(file) ? parseYaml(text, { customTags: CLOUDFORMATION_TAGS }) : JSON.parse(text)) as unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a state machine definition or a template (expected an object)');
  const json = value as Json;
  if (json.Resources !== undefined) return machinesOf(file, json, text);
  const only: Definition = type ? { file, text, definition: json, type } : sluiceOwn(json) ? { file, text, definition: json, type: 'EXPRESS' } : { file, text, definition: json, type: 'STANDARD', typeAssumed: true };
  return { definitions: [only], unchecked: [] };
}
