import { PreparedResponse, ResponseArenaBuilder } from './prepared-response';
import { ServedSnapshot } from './served-snapshot';
import type { WireSnapshot } from './snapshot-protocol';

const PAGE = '<p>status</p>'.repeat(200);
const OLD_INCIDENT = { kind: 'incident', id: '0b6f4a4e-5f1b-4c8e-9a55-0a7c1bd3e2f1' } as const;

/** A snapshot as the worker sends it: `/`, the 404s, and one incident page made on request. */
function snapshot(): { served: ServedSnapshot; home: PreparedResponse } {
  const arena = new ResponseArenaBuilder();
  const home = PreparedResponse.of(PAGE, { contentType: 'text/html', compressible: true });
  const notFound = (family: string) => PreparedResponse.of(`no such ${family}`, { status: 404, contentType: 'text/plain' });
  const responses: WireSnapshot['responses'] = [
    ['home', home.toWire(arena)],
    ['404:html', notFound('page').toWire(arena)],
    ['404:json', notFound('document').toWire(arena)],
    ['404:svg', notFound('badge').toWire(arena)],
  ];
  const wire: WireSnapshot = {
    hash: 'h',
    generatedAt: new Date(0).toISOString(),
    stale: false,
    arena: arena.build(),
    responses,
    onDemand: [`incident:${OLD_INCIDENT.id}`],
    modelJson: new ArrayBuffer(2),
  };
  return { served: new ServedSnapshot(wire, 'database'), home };
}

describe('ServedSnapshot', () => {
  it('answers made routes, leaves the long tail to the worker and unknown routes to their 404', () => {
    const { served } = snapshot();
    expect(served.lookup({ kind: 'home' })?.body.toString()).toBe(PAGE);
    expect(served.lookup(OLD_INCIDENT)).toBeNull();
    expect(served.lookup({ kind: 'incident', id: '9b6f4a4e-5f1b-4c8e-9a55-0a7c1bd3e2f1' })?.body.toString()).toBe('no such page');
    expect(served.lookup({ kind: 'v2', document: 'summary' })?.body.toString()).toBe('no such document');
    expect(served.answering(OLD_INCIDENT)).toBe(OLD_INCIDENT);
    expect(served.answering({ kind: 'badge', id: 'abcdefghijkl' })).toEqual({ kind: 'not_found', family: 'svg' });
    expect(served.counts).toEqual({ made: 4, onDemand: 1 });
  });

  it('keeps what the worker made on request: only tail routes it lists, never replacing a made one', () => {
    const { served } = snapshot();
    const arena = new ResponseArenaBuilder();
    const incident = PreparedResponse.of('<p>old</p>', { contentType: 'text/html' }).toWire(arena);
    const otherHome = PreparedResponse.of(`${PAGE}!`, { contentType: 'text/html', compressible: true }).toWire(arena);
    const bytes = arena.build();

    served.remember(OLD_INCIDENT, PreparedResponse.fromWire(incident, bytes));
    expect(served.lookup(OLD_INCIDENT)?.body.toString()).toBe('<p>old</p>');
    expect(served.counts).toEqual({ made: 5, onDemand: 0 });
    // Not a route of this snapshot: not kept.
    served.remember({ kind: 'incident', id: '9b6f4a4e-5f1b-4c8e-9a55-0a7c1bd3e2f1' }, PreparedResponse.fromWire(incident, bytes));
    expect(served.counts.made).toBe(5);
    // A made route keeps its response.
    served.remember({ kind: 'home' }, PreparedResponse.fromWire(otherHome, bytes));
    expect(served.lookup({ kind: 'home' })?.body.toString()).toBe(PAGE);
  });
});
