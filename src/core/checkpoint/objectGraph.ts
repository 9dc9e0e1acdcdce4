// `_CHECKPOINTABLE_OBJECT_GRAPH`: the TrackableObjectGraph of a TF2 checkpoint, used to map each
// object-based key to its TF1-style full name (CHECKPOINT_FORMAT.md §7.2).
import { fields, toInt32, utf8String } from './proto';

export const OBJECT_GRAPH_KEY = '_CHECKPOINTABLE_OBJECT_GRAPH';

export interface TrackableObject {
  readonly children: readonly { readonly nodeId: number; readonly localName: string }[];
  readonly attributes: readonly {
    readonly name: string;
    readonly fullName: string;
    readonly checkpointKey: string;
  }[];
  readonly slotVariables: readonly {
    readonly originalVariableNodeId: number;
    readonly slotName: string;
    readonly slotVariableNodeId: number;
  }[];
}

export interface ObjectGraphName {
  /** The TF1-style variable name (`SerializedTensor.full_name`), possibly empty. */
  readonly fullName: string;
  /** The attribute name (`VARIABLE_VALUE`, ...). */
  readonly attribute: string;
  /** Index of the node in the graph. */
  readonly nodeId: number;
}

/** Decodes a serialized TrackableObjectGraph; throws ProtoError when malformed. */
export function parseObjectGraph(bytes: Uint8Array): TrackableObject[] {
  const nodes: TrackableObject[] = [];
  for (const f of fields(bytes)) {
    if (f.field !== 1 || f.wire !== 2) continue;
    const children: { nodeId: number; localName: string }[] = [];
    const attributes: { name: string; fullName: string; checkpointKey: string }[] = [];
    const slotVariables: { originalVariableNodeId: number; slotName: string; slotVariableNodeId: number }[] =
      [];
    for (const g of fields(f.value)) {
      if (g.wire !== 2) continue;
      if (g.field === 1) {
        let nodeId = 0;
        let localName = '';
        for (const h of fields(g.value)) {
          if (h.field === 1 && h.wire === 0) nodeId = toInt32(h.value);
          else if (h.field === 2 && h.wire === 2) localName = utf8String(h.value);
        }
        children.push({ nodeId, localName });
      } else if (g.field === 2) {
        let name = '';
        let fullName = '';
        let checkpointKey = '';
        for (const h of fields(g.value)) {
          if (h.wire !== 2) continue;
          if (h.field === 1) name = utf8String(h.value);
          else if (h.field === 2) fullName = utf8String(h.value);
          else if (h.field === 3) checkpointKey = utf8String(h.value);
        }
        attributes.push({ name, fullName, checkpointKey });
      } else if (g.field === 3) {
        let originalVariableNodeId = 0;
        let slotName = '';
        let slotVariableNodeId = 0;
        for (const h of fields(g.value)) {
          if (h.field === 1 && h.wire === 0) originalVariableNodeId = toInt32(h.value);
          else if (h.field === 2 && h.wire === 2) slotName = utf8String(h.value);
          else if (h.field === 3 && h.wire === 0) slotVariableNodeId = toInt32(h.value);
        }
        slotVariables.push({ originalVariableNodeId, slotName, slotVariableNodeId });
      }
    }
    nodes.push({ children, attributes, slotVariables });
  }
  return nodes;
}

/** checkpoint key → full name, for every attribute in the graph. */
export function objectGraphNames(nodes: readonly TrackableObject[]): Map<string, ObjectGraphName> {
  const names = new Map<string, ObjectGraphName>();
  nodes.forEach((node, nodeId) => {
    for (const a of node.attributes) {
      if (a.checkpointKey) names.set(a.checkpointKey, { fullName: a.fullName, attribute: a.name, nodeId });
    }
  });
  return names;
}
