import { LineCounter, parseAllDocuments } from 'yaml';
import { OpenSloImportError } from './errors';
import { importOpenSlo } from './openslo-import';
import { duplicateKeyPositions, estimatedYamlKeys, YAML_MAX_KEYS } from './yaml-bounds';

function manyKeys(count: number): string {
  const lines = ['apiVersion: openslo/v1', 'kind: SLO', 'metadata:', '  name: x', '  labels:'];
  for (let index = 0; index < count; index++) lines.push(`    k${index}: v`);
  return lines.join('\n');
}

describe('YAML bounds', () => {
  it('refuses a document with more keys than any SLO file needs before parsing it (the 28,000-key attack)', () => {
    const attack = manyKeys(28_000);
    expect(attack.length).toBeLessThan(400 * 1024);
    let thrown: unknown;
    try {
      importOpenSlo(attack);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(OpenSloImportError);
    expect((thrown as OpenSloImportError).issues[0].message).toMatch(/about 2800\d mapping keys; at most 10000/);
  });

  it('estimates keys from `: ` and `:` at line ends, over-counting rather than under-counting', () => {
    expect(estimatedYamlKeys('a: 1\nb:\n  c: "x: y"\nurl: http://h:9090\n')).toBe(5); // "x: y" counts, http://h:9090 does not
    expect(estimatedYamlKeys(manyKeys(YAML_MAX_KEYS))).toBe(YAML_MAX_KEYS + 5);
  });

  it('finds duplicate keys per mapping in one pass, with their position', () => {
    const lineCounter = new LineCounter();
    const [document] = parseAllDocuments('a: 1\nb:\n  a: 2\n  a: 3\na: 4\n', { uniqueKeys: false, lineCounter });
    expect(duplicateKeyPositions(document, lineCounter).sort()).toEqual(['line 4, column 3', 'line 5, column 1']);
  });
});
