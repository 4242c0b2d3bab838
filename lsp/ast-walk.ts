// A reflective walk over the AST: it visits every node (any object with a `span`) with the chain of
// property names that led to it. Being reflective, it sees syntax added later (blocks, `repeat`)
// without changes here.
import type { Span } from '../compiler/syntax/ast.js';

export interface AstNode {
  span: Span;
  kind?: string;
  [key: string]: unknown;
}

export interface WalkStep {
  node: AstNode;
  /** The property that held the node in its parent (`callee`, `name`, `dims`, …). */
  key: string;
  parent: AstNode | undefined;
  /** Ancestors, outermost first. */
  ancestors: AstNode[];
}

function isNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { span?: unknown }).span === 'object';
}

const maxDepth = 500;

export function walk(root: unknown, visit: (step: WalkStep) => void): void {
  const ancestors: AstNode[] = [];
  const go = (value: unknown, key: string): void => {
    if (Array.isArray(value)) {
      for (const item of value) go(item, key);
      return;
    }
    // Long operator chains nest deeply; nothing an editor shows lives that deep.
    if (!isNode(value) || ancestors.length > maxDepth) return;
    visit({ node: value, key, parent: ancestors[ancestors.length - 1], ancestors });
    ancestors.push(value);
    for (const [k, child] of Object.entries(value)) if (k !== 'span' && typeof child === 'object' && child !== null) go(child, k);
    ancestors.pop();
  };
  // The root is not visited itself, but its children see it as their parent.
  if (isNode(root)) ancestors.push(root);
  const children = typeof root === 'object' && root !== null ? Object.entries(root) : [];
  for (const [k, child] of children) if (k !== 'span') go(child, k);
}
