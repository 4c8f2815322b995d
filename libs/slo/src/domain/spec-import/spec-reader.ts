import { describeValue } from '../errors';
import { isObject, Json, JsonObject } from './json';
import { OpenSloV1Reader } from './openslo-v1-reader';
import { OpenSloV1alphaReader } from './openslo-v1alpha-reader';
import { PyrraReader } from './pyrra-reader';
import { Named, SpecReadContext } from './reader-context';
import { SlothReader } from './sloth-reader';
import { SpecImport, SpecImportOptions, SpecSloDefinition } from './spec-types';

/** Reads the objects of one import: named documents first, then every SLO, each by its format's reader. */
export class SpecReader {
  readonly ctx: SpecReadContext;
  private readonly v1: OpenSloV1Reader;
  private readonly v1alpha: OpenSloV1alphaReader;
  private readonly sloth: SlothReader;
  private readonly pyrra: PyrraReader;

  constructor(
    private readonly objects: readonly Json[],
    options: SpecImportOptions,
  ) {
    this.ctx = new SpecReadContext(options);
    this.v1 = new OpenSloV1Reader(this.ctx);
    this.v1alpha = new OpenSloV1alphaReader(this.ctx);
    this.sloth = new SlothReader(this.ctx);
    this.pyrra = new PyrraReader(this.ctx);
  }

  read(): SpecImport {
    // First pass: the named documents SLOs may refer to.
    this.objects.forEach((object, index) => {
      this.ctx.document = index;
      if (!isObject(object)) {
        this.ctx.report('', "a document must be a mapping (apiVersion, kind, metadata, spec), or Sloth's version/service/slos");
        return;
      }
      const apiVersion = object.apiVersion;
      if (apiVersion !== 'openslo/v1' && apiVersion !== 'openslo/v1alpha') return;
      const name = isObject(object.metadata) && typeof object.metadata.name === 'string' ? object.metadata.name : undefined;
      const named = <T>(map: Map<string, Named<T>>, value: T, kind: string): void => {
        if (name === undefined) {
          this.ctx.report('metadata.name', 'is required');
          return;
        }
        const first = map.get(name);
        if (first !== undefined) {
          this.ctx.report('metadata.name', `${kind} name ${describeValue(name)} is already used by document ${first.document}`);
          return;
        }
        map.set(name, { document: index, path: '', value });
      };
      switch (object.kind) {
        case 'SLI':
          named(this.ctx.slis, object.spec, 'SLI');
          break;
        case 'DataSource':
          if (isObject(object.spec)) named(this.ctx.dataSources, object.spec, 'DataSource');
          else this.ctx.report('spec', object.spec === undefined ? 'is required' : 'must be a mapping');
          break;
        case 'AlertPolicy':
          if (isObject(object.spec)) named(this.ctx.alertPolicies, object.spec, 'AlertPolicy');
          break;
        case 'AlertCondition':
          if (isObject(object.spec)) named(this.ctx.alertConditions, object.spec, 'AlertCondition');
          break;
        default:
          break;
      }
    });

    const slos: SpecSloDefinition[] = [];
    this.objects.forEach((object, index) => {
      this.ctx.document = index;
      if (!isObject(object)) return;
      slos.push(...this.readObject(object));
    });
    const seen = new Map<string, SpecSloDefinition>();
    for (const slo of slos) {
      const key = `${slo.service}/${slo.name}`;
      const first = seen.get(key);
      if (first !== undefined) {
        this.ctx.issues.push({
          document: slo.document,
          path: slo.path === '' ? 'metadata.name' : `${slo.path}.name`,
          message: `SLO ${describeValue(slo.name)} of service ${describeValue(slo.service)} is already defined by document ${first.document}`,
        });
      } else {
        seen.set(key, slo);
      }
    }
    return { slos, services: this.ctx.services, notes: this.ctx.notes };
  }

  private readObject(object: JsonObject): SpecSloDefinition[] {
    if (object.version !== undefined && object.apiVersion === undefined) {
      return this.sloth.slothPrometheusV1(object);
    }
    switch (object.apiVersion) {
      case 'openslo/v1':
        return this.v1.openSloV1(object);
      case 'openslo/v1alpha':
        return this.v1alpha.openSloV1alpha(object);
      case 'sloth.slok.dev/v1':
        return this.sloth.slothKubernetes(object);
      case 'pyrra.dev/v1alpha1':
        return this.pyrra.pyrra(object);
      default:
        this.ctx.report(
          'apiVersion',
          `must be openslo/v1, openslo/v1alpha, sloth.slok.dev/v1 or pyrra.dev/v1alpha1 (or a Sloth prometheus/v1 file with "version"), got ${describeValue(object.apiVersion)}`,
        );
        return [];
    }
  }
}
